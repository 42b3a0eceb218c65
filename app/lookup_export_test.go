package app

// SetLookupChunk makes the planner read the register for n rows at a
// time (with an ImportBatchReader store) until the returned func is
// called.
func SetLookupChunk(n int) (restore func()) {
	was := lookupChunk
	lookupChunk = n
	return func() { lookupChunk = was }
}
