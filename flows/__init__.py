"""The intake engine and the missing-from-care flow: pure logic, no I/O."""
