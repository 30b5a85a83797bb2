package sealed

import (
	"fmt"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/icmp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
)

const nicID tcpip.NICID = 1

// handlers receive the flows the child starts: each TCP connection
// attempt, and each UDP datagram no endpoint is bound to (returning false
// answers it with ICMP port unreachable).
type handlers struct {
	tcp func(*tcp.ForwarderRequest)
	udp func(*udp.ForwarderRequest) bool
}

// netStack is gVisor's TCP/IP stack on the TUN device's descriptor,
// accepting connections to any address.
type netStack struct {
	s    *stack.Stack
	link *tunLink
}

func newNetStack(fd int, mtu uint32, h handlers) (*netStack, error) {
	link, err := newTunLink(fd, mtu)
	if err != nil {
		return nil, fmt.Errorf("TUN device: %w", err)
	}
	s := stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv4.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol, udp.NewProtocol, icmp.NewProtocol4},
	})
	fail := func(what string, err tcpip.Error) (*netStack, error) {
		s.Close()
		link.close()
		return nil, fmt.Errorf("network stack: %s: %s", what, err)
	}
	sack := tcpip.TCPSACKEnabled(true)
	s.SetTransportProtocolOption(tcp.ProtocolNumber, &sack)
	rcv := tcpip.TCPReceiveBufferSizeRangeOption{Min: 4 << 10, Default: 1 << 20, Max: 8 << 20}
	s.SetTransportProtocolOption(tcp.ProtocolNumber, &rcv)
	snd := tcpip.TCPSendBufferSizeRangeOption{Min: 4 << 10, Default: 1 << 20, Max: 8 << 20}
	s.SetTransportProtocolOption(tcp.ProtocolNumber, &snd)
	moderate := tcpip.TCPModerateReceiveBufferOption(true)
	s.SetTransportProtocolOption(tcp.ProtocolNumber, &moderate)

	// The handlers are in place before the NIC exists: its link starts
	// delivering packets as soon as it is attached, and the stack does not
	// synchronise a handler set later with that delivery.
	fwd := tcp.NewForwarder(s, 0, 4096, h.tcp)
	s.SetTransportProtocolHandler(tcp.ProtocolNumber, fwd.HandlePacket)
	ufwd := udp.NewForwarder(s, h.udp)
	s.SetTransportProtocolHandler(udp.ProtocolNumber, ufwd.HandlePacket)
	if err := s.CreateNIC(nicID, link); err != nil {
		return fail("create NIC", err)
	}
	if err := s.SetPromiscuousMode(nicID, true); err != nil {
		return fail("promiscuous mode", err)
	}
	if err := s.SetSpoofing(nicID, true); err != nil {
		return fail("spoofing", err)
	}
	gw := tcpip.AddrFrom4(gatewayAddr.As4())
	if err := s.AddProtocolAddress(nicID, tcpip.ProtocolAddress{
		Protocol:          ipv4.ProtocolNumber,
		AddressWithPrefix: tcpip.AddressWithPrefix{Address: gw, PrefixLen: childPrefix.Bits()},
	}, stack.AddressProperties{}); err != nil {
		return fail("gateway address", err)
	}
	s.SetRouteTable([]tcpip.Route{{Destination: header.IPv4EmptySubnet, NIC: nicID}})
	return &netStack{s: s, link: link}, nil
}

func (n *netStack) close() {
	n.s.Close()
	n.s.Wait()
	n.link.close()
}
