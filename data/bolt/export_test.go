package bolt

// SetImportChunk makes imports write at most n records per transaction
// and returns the number it replaced: the conformance suite runs a second
// time with small chunks, so that every import of it is written in
// several transactions and a refused one is rolled back across them.
func SetImportChunk(n int) int {
	was := importChunk
	importChunk = n
	return was
}
