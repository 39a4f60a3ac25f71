package tfh5

// SetChunked exposes setChunked to the external tests.
var SetChunked = setChunked
