"""Sources of assistant turns: scripted (authored), recorded (from the library), live (API)."""
