//go:build race

package logging_test

// raceDetector says whether the tests run under -race.
const raceDetector = true
