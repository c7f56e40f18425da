# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Customization basics: tensors and operations
(tensorflow/docs site/en/tutorials/customization/basics.ipynb), in our own words.

Stand-ins and cuts:

* The timing cell prints how many products it ran and that its clock did not run
  backwards, in place of the milliseconds the guide prints (they vary from run to
  run); the device checks and `tf.device` placement are kept as in the guide.
* The guide writes its three-line text file with `tempfile.mkstemp()`; here it lands
  in the working directory (`dir='.'`, the runner's temporary directory).
* The cells are split where they mix what does and does not print the same, e.g.
  `print(x.dtype)` (torch's dtypes, README) and `x.device` (a torch device) get their
  own sections, as do the text-file dataset lines (`tf.data.TextLineDataset` yields
  string tensors, out of scope).

`shuffle(2)` draws from a random stream that is not TF's, so the section that prints
the shuffled batches is tagged `[random]`; the next one prints what does not hang on
the order (the sorted values and the batch shapes).
"""

# %% setup
import numpy as np

import tftape_torch as tf

from tests.guides.show import show, show_random

# %% tensor-ops
print(tf.math.add(1, 2))
print(tf.math.add([1, 2], [3, 4]))
print(tf.math.square(5))
print(tf.math.reduce_sum([1, 2, 3]))

# operators work on tensors too
print(tf.math.square(2) + tf.math.square(3))

# %% tensor-shape
x = tf.linalg.matmul([[1]], [[2, 3]])
print(x)
print(x.shape)

# %% tensor-dtype
print(x.dtype)

# %% numpy-compatibility
ndarray = np.ones([3, 3])

print("TensorFlow operations convert numpy arrays to Tensors automatically")
tensor = tf.math.multiply(ndarray, 42)
print(tensor)


print("And NumPy operations convert Tensors to NumPy arrays automatically")
print(np.add(tensor, 1))

print("The .numpy() method explicitly converts a Tensor to a numpy array")
print(tensor.numpy())

# %% gpu-available
x = tf.random.uniform([3, 3])

print("Is there a GPU available: "),
print(tf.config.list_physical_devices("GPU"))

# %% gpu-tensor-device
print("Is the Tensor on GPU #0:  "),
print(x.device.endswith('GPU:0'))

# %% time-matmul
import time

def time_matmul(x):
    start = time.time()
    for loop in range(10):
        tf.linalg.matmul(x, x)

    result = time.time() - start

    # the guide prints the milliseconds, which vary from run to run
    print("{} loops, clock ran forwards: {}".format(loop + 1, result >= 0))

# %% cpu-placement
print("On CPU:")
with tf.device("CPU:0"):
    x = tf.random.uniform([1000, 1000])
    assert x.device.endswith("CPU:0")
    time_matmul(x)

# %% gpu-placement
# on GPU #0 when there is one
if tf.config.list_physical_devices("GPU"):
    print("On GPU:")
    with tf.device("GPU:0"):  # GPU:1 would be the second GPU, and so on
        x = tf.random.uniform([1000, 1000])
        assert x.device.endswith("GPU:0")
        time_matmul(x)

# %% source-dataset
ds_tensors = tf.data.Dataset.from_tensor_slices([1, 2, 3, 4, 5, 6])

# a small text file
import tempfile
_, filename = tempfile.mkstemp(dir='.')

with open(filename, 'w') as f:
    f.write("""Line 1
Line 2
Line 3
  """)
print(ds_tensors.cardinality().numpy())

# %% text-line-dataset
ds_file = tf.data.TextLineDataset(filename)

# %% transformations
ds_tensors = ds_tensors.map(tf.math.square).shuffle(2).batch(2)

# %% text-line-batch
ds_file = ds_file.batch(2)

# %% iterate-tensors [random]
print('Elements of ds_tensors:')
for x in ds_tensors:
    print(x)

# %% iterate-tensors-facts
batches = [x for x in ds_tensors]
print([b.shape for b in batches])
print(sorted(np.concatenate([b.numpy() for b in batches]).tolist()))

# %% iterate-file
print('\nElements in ds_file:')
for x in ds_file:
    print(x)
