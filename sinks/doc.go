// Package sinks holds the sinks loggerjs delivers records to. Each owns its
// codec (package codecs) and its destination:
//
//	cfg := loggerjs.Config{
//		Sinks: map[string]loggerjs.Sink{
//			"stdout": sinks.Stdout(codecs.JSON(nil)),
//		},
//		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"stdout"}, Level: slog.LevelInfo}},
//	}
//
// Writer serialises one Write per record to any io.Writer; Stdout and
// Stderr are Writers over the process's streams; Memory keeps records for
// tests.
package sinks
