# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Introduction to tensors (tensorflow/docs site/en/guide/tensor.ipynb), in our own words.

Caught exceptions print their class only (`show_error`).
"""

# %% setup
import numpy as np

import tftape_torch as tf

from tests.guides.show import show, show_error

# %% scalar
scalar = tf.constant(4)
print(scalar)

# %% vector
vector = tf.constant([2.0, 3.0, 4.0])
print(vector)

# %% matrix-float16
matrix = tf.constant([[1, 2],
                      [3, 4],
                      [5, 6]], dtype=tf.float16)
print(matrix)

# %% rank-3
cube = tf.constant([
    [[0, 1, 2, 3, 4],
     [5, 6, 7, 8, 9]],
    [[10, 11, 12, 13, 14],
     [15, 16, 17, 18, 19]],
    [[20, 21, 22, 23, 24],
     [25, 26, 27, 28, 29]],])
print(cube)

# %% np-array
show(np.array(matrix))

# %% numpy-method
show(matrix.numpy())

# %% basic-math
left = tf.constant([[1, 2],
                    [3, 4]])
right = tf.constant([[1, 1],
                     [1, 1]])  # tf.ones([2, 2], dtype=tf.int32) would do too

print(tf.add(left, right), "\n")
print(tf.multiply(left, right), "\n")
print(tf.matmul(left, right), "\n")

# %% operators
print(left + right, "\n")  # elementwise sum
print(left * right, "\n")  # elementwise product
print(left @ right, "\n")  # matrix product

# %% reductions-argmax-softmax
scores = tf.constant([[4.0, 5.0], [10.0, 1.0]])

print(tf.reduce_max(scores))
print(tf.math.argmax(scores))
print(tf.nn.softmax(scores))

# %% convert-to-tensor
show(tf.convert_to_tensor([1, 2, 3]))

# %% reduce-max-list
show(tf.reduce_max([1, 2, 3]))

# %% reduce-max-ndarray
show(tf.reduce_max(np.array([1, 2, 3])))

# %% shape-attributes
zeros4 = tf.zeros([3, 2, 4, 5])
print("element dtype:", zeros4.dtype)
print("number of axes:", zeros4.ndim)
print("shape:", zeros4.shape)
print("size of axis 0:", zeros4.shape[0])
print("size of the last axis:", zeros4.shape[-1])
print("element count (3*2*4*5):", tf.size(zeros4).numpy())

# %% rank-op
show(tf.rank(zeros4))

# %% shape-op
show(tf.shape(zeros4))

# %% index-1d
fib = tf.constant([0, 1, 1, 2, 3, 5, 8, 13, 21, 34])
print(fib.numpy())

# %% index-1d-scalars
print("first:", fib[0].numpy())
print("second:", fib[1].numpy())
print("last:", fib[-1].numpy())

# %% index-1d-slices
print("all:", fib[:].numpy())
print("up to 4:", fib[:4].numpy())
print("4 onwards:", fib[4:].numpy())
print("2 to 7:", fib[2:7].numpy())
print("every second:", fib[::2].numpy())
print("backwards:", fib[::-1].numpy())

# %% index-2d-scalar
print(matrix.numpy())
print(matrix[1, 1].numpy())

# %% index-2d-slices
print("row 1:", matrix[1, :].numpy())
print("column 1:", matrix[:, 1].numpy())
print("last row:", matrix[-1, :].numpy())
print("top of the last column:", matrix[0, -1].numpy())
print("rows from 1:")
print(matrix[1:, :].numpy(), "\n")

# %% index-3d
print(cube[:, :, 4])

# %% shape-as-list
column = tf.constant([[1], [2], [3]])
print(column.shape)

# %% shape-as-list-call
print(column.shape.as_list())

# %% reshape
row = tf.reshape(column, [1, 3])

# %% reshape-shapes
print(column.shape)
print(row.shape)

# %% reshape-show-cube
print(cube)

# %% reshape-flatten
print(tf.reshape(cube, [-1]))

# %% reshape-merge-axes
print(tf.reshape(cube, [3*2, 5]), "\n")
print(tf.reshape(cube, [3, -1]))

# %% reshape-scrambled
print(tf.reshape(cube, [2, 3, 5]), "\n")
print(tf.reshape(cube, [5, 6]), "\n")
try:
    tf.reshape(cube, [7, -1])
except Exception as err:
    show_error(err)

# %% cast
as_f64 = tf.constant([2.2, 3.3, 4.4], dtype=tf.float64)
as_f16 = tf.cast(as_f64, dtype=tf.float16)
as_u8 = tf.cast(as_f16, dtype=tf.uint8)
print(as_u8)

# %% broadcast-scalar
triple = tf.constant([1, 2, 3])
two = tf.constant(2)
twos = tf.constant([2, 2, 2])
print(tf.multiply(triple, 2))
print(triple * two)
print(triple * twos)

# %% broadcast-outer
triple = tf.reshape(triple, [3, 1])
counting = tf.range(1, 5)
print(triple, "\n")
print(counting, "\n")
print(tf.multiply(triple, counting))

# %% broadcast-explicit
rows_stretched = tf.constant([[1, 1, 1, 1],
                              [2, 2, 2, 2],
                              [3, 3, 3, 3]])
cols_stretched = tf.constant([[1, 2, 3, 4],
                              [1, 2, 3, 4],
                              [1, 2, 3, 4]])
print(rows_stretched * cols_stretched)

# %% broadcast-to
print(tf.broadcast_to(tf.constant([1, 2, 3]), [3, 3]))

# %% ragged-list
uneven = [
    [0, 1, 2, 3],
    [4, 5],
    [6, 7, 8],
    [9]]

# %% ragged-constant-fails
try:
    dense = tf.constant(uneven)
except Exception as err:
    show_error(err)

# %% ragged-tensor
ragged = tf.ragged.constant(uneven)
print(ragged)

# %% ragged-shape
print(ragged.shape)

# %% string-scalar
phrase = tf.constant("Gray wolf")
print(phrase)

# %% string-vector
phrases = tf.constant(["Gray wolf",
                       "Quick brown fox",
                       "Lazy dog"])
print(phrases)

# %% string-unicode
show(tf.constant("🥳👍"))

# %% string-split
print(tf.strings.split(phrase, sep=" "))

# %% string-split-vector
print(tf.strings.split(phrases))

# %% string-to-number
numbers_text = tf.constant("1 10 100")
print(tf.strings.to_number(tf.strings.split(numbers_text, " ")))

# %% string-bytes
letters = tf.strings.bytes_split(tf.constant("Duck"))
codes = tf.io.decode_raw(tf.constant("Duck"), tf.uint8)
print("byte strings:", letters)
print("bytes:", codes)

# %% string-unicode-decode
text_bytes = tf.constant("アヒル 🦆")
chars = tf.strings.unicode_split(text_bytes, "UTF-8")
code_points = tf.strings.unicode_decode(text_bytes, "UTF-8")
print("\nbytes:", text_bytes)
print("\nchars:", chars)
print("\ncode points:", code_points)

# %% sparse
sparse = tf.sparse.SparseTensor(indices=[[0, 0], [1, 2]],
                                values=[1, 2],
                                dense_shape=[3, 4])
print(sparse, "\n")
print(tf.sparse.to_dense(sparse))
