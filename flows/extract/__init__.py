"""Reading more than the question asked: several facts in one message, and the face sheet."""
