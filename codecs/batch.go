package codecs

import "github.com/loggerjs/loggerjs"

// A BatchCodec is a codec whose wire format frames several records as one
// payload, as an HTTP shipper sends them: AppendBatch appends records as
// one MessagePack array, one OTLP request. Sinks that batch use it when
// their codec has it, and Append's records one after another when not.
type BatchCodec interface {
	loggerjs.Codec
	AppendBatch(dst []byte, records []*loggerjs.Record) []byte
}

var (
	_ BatchCodec = (*MsgpackCodec)(nil)
	_ BatchCodec = (*OTLPJSONCodec)(nil)
)
