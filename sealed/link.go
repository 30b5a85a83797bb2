package sealed

import (
	"os"
	"sync"

	"golang.org/x/sys/unix"
	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/link/channel"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// tunLink is the stack's link to the TUN device: packets from the build
// are read by a goroutine that waits in Go's network poller (no thread
// blocked in a system call, no hand-off to another goroutine), and the
// stack's packets are written to the device by the goroutine that sends
// them. channel.Endpoint provides the rest of a link endpoint.
type tunLink struct {
	*channel.Endpoint
	f   *os.File
	raw interface {
		Write(func(uintptr) bool) error
	}
	mtu  uint32
	once sync.Once
	// done is closed when the reading goroutine, once started, has ended.
	done    chan struct{}
	started bool
}

func newTunLink(fd int, mtu uint32) (*tunLink, error) {
	if err := unix.SetNonblock(fd, true); err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "tun")
	raw, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &tunLink{Endpoint: channel.New(0, mtu, ""), f: f, raw: raw, mtu: mtu, done: make(chan struct{})}, nil
}

// Attach starts reading the device once the stack attaches.
func (l *tunLink) Attach(d stack.NetworkDispatcher) {
	l.Endpoint.Attach(d)
	if d != nil {
		l.once.Do(func() { l.started = true; go l.readLoop() })
	}
}

func (l *tunLink) readLoop() {
	defer close(l.done)
	buf := make([]byte, l.mtu)
	for {
		n, err := l.f.Read(buf)
		if err != nil {
			return
		}
		if n == 0 || !l.IsAttached() {
			continue
		}
		var proto tcpip.NetworkProtocolNumber
		switch header.IPVersion(buf[:n]) {
		case header.IPv4Version:
			proto = header.IPv4ProtocolNumber
		case header.IPv6Version:
			proto = header.IPv6ProtocolNumber
		default:
			continue
		}
		pkt := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(buf[:n])})
		l.InjectInbound(proto, pkt)
		pkt.DecRef()
	}
}

// WritePackets writes each packet to the device, one write each.
func (l *tunLink) WritePackets(pkts stack.PacketBufferList) (int, tcpip.Error) {
	n := 0
	for _, pkt := range pkts.AsSlice() {
		views := pkt.AsSlices()
		var err error
		werr := l.raw.Write(func(fd uintptr) bool {
			_, err = unix.Writev(int(fd), views)
			return err != unix.EAGAIN
		})
		if werr != nil || err != nil {
			if n == 0 {
				return 0, &tcpip.ErrClosedForSend{}
			}
			break
		}
		n++
	}
	return n, nil
}

// close stops reading and closes the device's descriptor.
func (l *tunLink) close() {
	l.f.Close()
	l.once.Do(func() {})
	if l.started {
		<-l.done
	}
}
