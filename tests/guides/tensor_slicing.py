# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Introduction to tensor slicing (tensorflow/docs site/en/guide/tensor_slicing.ipynb),
in our own words.

Nothing of the guide is skipped (its images are not code). The sections on a string
tensor (`gather-strings`) and on `tf.SparseTensor` (`sparse-tensor`,
`sparse-to-dense`) are out of scope for tftape_torch and kept as known differences.
"""

# %% setup
import numpy as np

import tftape_torch as tf

from tests.guides.show import show

# %% slice-1d
digits = tf.constant([0, 1, 2, 3, 4, 5, 6, 7])

print(tf.slice(digits, begin=[1], size=[3]))

# %% slice-syntax
print(digits[1:4])

# %% slice-negative
print(digits[-3:])

# %% slice-2d
grid = tf.constant([[0, 1, 2, 3, 4],
                    [5, 6, 7, 8, 9],
                    [10, 11, 12, 13, 14],
                    [15, 16, 17, 18, 19]])

print(grid[:-1, 1:3])

# %% slice-3d
cube = tf.constant([[[1, 3, 5, 7],
                     [9, 11, 13, 15]],
                    [[17, 19, 21, 23],
                     [25, 27, 29, 31]]])

print(tf.slice(cube, begin=[1, 1, 0], size=[1, 1, 2]))

# %% gather
print(tf.gather(digits, indices=[0, 3, 6]))

# the same elements, by a strided slice
show(digits[::3])

# %% gather-strings
letters = tf.constant(list('abcdefghijklmnopqrstuvwxyz'))

print(tf.gather(letters, indices=[2, 0, 19, 18]))

# %% gather-nd-rows
pairs = tf.constant([[0, 5],
                     [1, 6],
                     [2, 7],
                     [3, 8],
                     [4, 9]])

print(tf.gather_nd(pairs, indices=[[2], [3], [0]]))

# %% gather-nd-elements
block = np.reshape(np.arange(18), [2, 3, 3])

print(tf.gather_nd(block, indices=[[0, 0, 0], [1, 2, 1]]))

# %% gather-nd-two-matrices
# a batch of two matrices
print(tf.gather_nd(block, indices=[[[0, 0], [0, 2]], [[1, 0], [1, 2]]]))

# %% gather-nd-one-matrix
# a single matrix
print(tf.gather_nd(block, indices=[[0, 0], [0, 2], [1, 0], [1, 2]]))

# %% scatter-nd
target_shape = tf.constant([10])
where = tf.constant([[1], [3], [5], [7], [9]])
values = tf.constant([2, 4, 6, 8, 10])

print(tf.scatter_nd(indices=where, updates=values, shape=target_shape))

# %% gather-for-sparse
# pick values out of `grid` at these positions
positions = tf.constant([[0, 2], [2, 1], [3, 3]])
picked = tf.gather_nd(grid, indices=positions)

# %% scatter-for-sparse
# and put them back into a zero tensor
rebuilt = tf.scatter_nd(indices=positions, updates=picked, shape=tf.constant([4, 5]))

print(rebuilt)

# %% sparse-tensor
as_sparse = tf.SparseTensor(indices=[[0, 2], [2, 1], [3, 3]],
                            values=[2, 11, 18],
                            dense_shape=[4, 5])

print(as_sparse)

# %% sparse-to-dense
# the dense form of the sparse tensor
densified = tf.sparse.to_dense(as_sparse)

print(densified)

# %% scatter-nd-add
square = tf.constant([[2, 7, 0],
                      [9, 0, 1],
                      [0, 3, 8]])

# adding these makes a magic square
magic = tf.tensor_scatter_nd_add(square,
                                 indices=[[0, 2], [1, 1], [2, 0]],
                                 updates=[6, 5, 4])

print(magic)

# %% scatter-nd-sub
# subtracting these leaves the identity matrix
identity = tf.tensor_scatter_nd_sub(square,
                                    indices=[[0, 0], [0, 1], [1, 0], [1, 1], [1, 2], [2, 1], [2, 2]],
                                    updates=[1, 7, 9, -1, 1, 3, 7])

print(identity)

# %% scatter-nd-min
negatives = tf.constant([[-2, -7, 0],
                         [-9, 0, 1],
                         [0, -3, -8]])

smaller = tf.tensor_scatter_nd_min(negatives,
                                   indices=[[0, 2], [1, 1], [2, 0]],
                                   updates=[-6, -5, -4])

print(smaller)

# %% scatter-nd-max
larger = tf.tensor_scatter_nd_max(negatives,
                                  indices=[[0, 2], [1, 1], [2, 0]],
                                  updates=[6, 5, 4])

print(larger)
