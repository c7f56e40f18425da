# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Optimizers with Core APIs (tensorflow/docs site/en/guide/core/optimizers_core.ipynb),
in our own words.

Gradient descent, momentum and Adam written as `tf.Module`s, each run to convergence
on a one-dimensional quartic from several learning rates. The guide's matplotlib
plots are left out; the values they draw are computed and summarised instead.
"""

# %% setup
import tftape_torch as tf

from tests.guides.show import show

tf.random.set_seed(22)

# %% gradient-descent
class GradientDescent(tf.Module):
    def __init__(self, learning_rate=1e-3):
        self.learning_rate = learning_rate
        self.title = f"Gradient descent optimizer: learning rate={self.learning_rate}"

    def apply_gradients(self, grads, vars):
        for g, v in zip(grads, vars):
            v.assign_sub(self.learning_rate * g)


# %% loss-and-gradient
xs = tf.linspace(-2, 2, 201)
print(xs.dtype == tf.float64)
xs = tf.cast(xs, tf.float32)


def loss(x):
    return 2 * (x**4) + 3 * (x**3) + 2


def grad(f, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        value = f(x)
    return tape.gradient(value, x)


# What the guide plots: the loss and its gradient over [-2, 2], and two marked points.
curve = loss(xs)
slope = grad(loss, xs)
show(curve[::50])
show(slope[::50])
print(float(tf.reduce_min(curve)), int(tf.argmin(curve)))
show(loss(0))
show(loss(-9 / 8))

# %% convergence-test
def convergence_test(optimizer, loss_fn, grad_fn=grad, init_val=2.0, max_iters=2000):
    print(optimizer.title)
    print("-------------------------------")
    x_star = tf.Variable(init_val)
    path = []
    converged = False
    for step in range(1, max_iters + 1):
        x_grad = grad_fn(loss_fn, x_star)
        if tf.math.is_nan(x_grad):
            print(f"Gradient exploded at iteration {step}\n")
            return []
        x_old = x_star.numpy()
        optimizer.apply_gradients([x_grad], [x_star])
        path.append(x_star.numpy())
        if x_star == x_old:
            print(f"Converged in {step} iterations\n")
            converged = True
            break
    if not converged:
        print(f"Exceeded maximum of {max_iters} iterations. Test terminated.\n")
    return path


# %% gradient-descent-runs
paths_gd = {}
rates = [1e-3, 1e-2, 1e-1]
for rate in rates:
    paths_gd[rate] = convergence_test(GradientDescent(learning_rate=rate), loss_fn=loss)

# %% paths-summary
def summarize_paths(paths, xs, loss_fn, title, max_iters=2000):
    # The guide draws the log-loss over (iteration, x) and each path on top of it.
    steps = tf.range(1.0, max_iters + 100.0)
    step_grid, x_grid = tf.meshgrid(steps, xs)
    log_loss = tf.math.log(loss_fn(x_grid))
    # Values at a plot's resolution: five decimals.
    print(title, step_grid.shape, x_grid.shape, log_loss.shape)
    print(f"{float(tf.reduce_max(log_loss)):.5f} {float(tf.reduce_min(log_loss)):.5f}")
    for rate, path in paths.items():
        if len(path) > 0:
            print(f"x*: learning rate={rate}: {path[-1]:.5f} after {len(path)} steps")


summarize_paths(paths_gd, xs, loss, "Gradient descent")

# %% momentum
class Momentum(tf.Module):
    def __init__(self, learning_rate=1e-3, momentum=0.7):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.change = 0.0
        self.title = f"Gradient descent optimizer: learning rate={self.learning_rate}"

    def apply_gradients(self, grads, vars):
        for g, v in zip(grads, vars):
            change = self.learning_rate * g + self.momentum * self.change
            v.assign_sub(change)
            self.change = change


# %% momentum-runs
paths_mtm = {}
for rate in rates:
    paths_mtm[rate] = convergence_test(Momentum(learning_rate=rate), loss_fn=loss, grad_fn=grad)

# %% momentum-summary
summarize_paths(paths_mtm, xs, loss, "Momentum")

# %% adam
class Adam(tf.Module):
    def __init__(self, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, ep=1e-7):
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.learning_rate = learning_rate
        self.ep = ep
        self.t = 1.0
        self.v_dvar, self.s_dvar = [], []
        self.title = f"Adam: learning rate={self.learning_rate}"
        self.built = False

    def apply_gradients(self, grads, vars):
        if not self.built:  # one moment and one RMS slot per variable, on the first call
            for v in vars:
                self.v_dvar.append(tf.Variable(tf.zeros(shape=v.shape)))
                self.s_dvar.append(tf.Variable(tf.zeros(shape=v.shape)))
            self.built = True
        for i, (d_var, v) in enumerate(zip(grads, vars)):
            self.v_dvar[i] = self.beta_1 * self.v_dvar[i] + (1 - self.beta_1) * d_var
            self.s_dvar[i] = self.beta_2 * self.s_dvar[i] + (1 - self.beta_2) * tf.square(d_var)
            v_hat = self.v_dvar[i] / (1 - (self.beta_1**self.t))
            s_hat = self.s_dvar[i] / (1 - (self.beta_2**self.t))
            v.assign_sub(self.learning_rate * (v_hat / (tf.sqrt(s_hat) + self.ep)))
        self.t += 1.0


# %% adam-runs
paths_adam = {}
for rate in rates:
    paths_adam[rate] = convergence_test(Adam(learning_rate=rate), loss_fn=loss)

# %% adam-summary
summarize_paths(paths_adam, xs, loss, "Adam")

# %% module-tracking
# The slots Adam made are tracked by tf.Module (the lists are attributes).
opt = Adam(learning_rate=1e-2)
w = tf.Variable([1.0, -1.0])
opt.apply_gradients([tf.constant([0.5, 0.25])], [w])
print(len(opt.variables), len(opt.trainable_variables))
show(w)
show(opt.v_dvar[0])
