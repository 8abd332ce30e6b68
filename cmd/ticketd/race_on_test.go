//go:build race

package main

// raceEnabled makes the crash tests build ticketd with -race too.
const raceEnabled = true
