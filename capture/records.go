package capture

import (
	"fmt"
	"time"
)

// Record kinds of what a sealed build's network saw besides exchanges.
const (
	// RecordConnection is a connection that did not reach the proxy as
	// HTTP: blocked, or relayed by an allow rule (see Connection).
	RecordConnection = "connection"
	// RecordLookup is a name the build asked the network's DNS (see Lookup).
	RecordLookup = "lookup"
)

// Connection actions.
const (
	ConnBlocked = "blocked"
	ConnRelayed = "relayed"
)

// Connection is a connection the build attempted that was not HTTP through
// the proxy: refused at once (Action "blocked") or relayed to its
// destination because a rule allows it (Action "relayed"). It is plain
// data: the JSON field names are the capture log contract.
type Connection struct {
	// Start is when the build attempted the connection.
	Start time.Time `json:"start"`
	// DurationMS is how long a relayed connection lasted.
	DurationMS float64 `json:"duration_ms,omitempty"`
	// Action is "blocked" or "relayed".
	Action string `json:"action"`
	// Protocol is the transport, "tcp" or "udp", and what was seen of the
	// application protocol when known ("tcp/ssh", "udp/quic").
	Protocol string `json:"protocol"`
	// Dest is the destination address as the build saw it, Port its port.
	Dest string `json:"dest"`
	Port int    `json:"port"`
	// Name is the host name that resolved to Dest through the network's
	// DNS, empty when the build used an address it had not looked up.
	Name string `json:"name,omitempty"`
	// Reason says why a connection was blocked or which rule let it through.
	Reason string `json:"reason,omitempty"`
	// BytesOut and BytesIn count a relayed connection's bytes sent by the
	// build and received from the destination.
	BytesOut int64 `json:"bytes_out,omitempty"`
	BytesIn  int64 `json:"bytes_in,omitempty"`
	// Error describes a relay that failed.
	Error string `json:"error,omitempty"`
}

// Target returns the destination as name:port, or address:port when no
// name led to it.
func (c *Connection) Target() string {
	h := c.Name
	if h == "" {
		h = c.Dest
	}
	return fmt.Sprintf("%s:%d", h, c.Port)
}

// Lookup is a name the build asked the sealed network's DNS, recorded the
// first time each name and type was asked.
type Lookup struct {
	Start time.Time `json:"start"`
	// Name is the name asked, without the final dot; Type its record type
	// ("A", "AAAA", …).
	Name string `json:"name"`
	Type string `json:"type"`
	// Answer lists the addresses the build was given.
	Answer []string `json:"answer,omitempty"`
	// Error says why the name got no answer (it does not resolve, or the
	// type is not served).
	Error string `json:"error,omitempty"`
}

type connectionLine struct {
	Record string `json:"record"`
	Connection
}

type lookupLine struct {
	Record string `json:"record"`
	Lookup
}

// WriteConnection appends a connection record.
func (lw *LogWriter) WriteConnection(c *Connection) error {
	return lw.writeRecord(connectionLine{Record: RecordConnection, Connection: *c})
}

// WriteLookup appends a lookup record.
func (lw *LogWriter) WriteLookup(l *Lookup) error {
	return lw.writeRecord(lookupLine{Record: RecordLookup, Lookup: *l})
}

func (lw *LogWriter) writeRecord(v any) error {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if lw.err != nil {
		return lw.err
	}
	if err := lw.writeLine(v); err != nil {
		lw.err = fmt.Errorf("write capture log: %w", err)
		return lw.err
	}
	return nil
}
