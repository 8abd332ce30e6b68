package service

import "log/slog"

// LogLevel parses a level name; unknown names mean info.
func LogLevel(name string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(name)); err != nil {
		return slog.LevelInfo
	}
	return l
}
