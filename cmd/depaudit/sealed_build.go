package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/sealed"
)

// sealedFlag is --sealed of `depaudit build`.
func sealedFlag() cli.Flag {
	return &cli.BoolFlag{Name: "sealed", Usage: "run the command in network namespaces of its own whose only way out is depaudit: " +
		"connections that ignore the proxy are captured (TLS and HTTP) or refused and recorded (everything else); " +
		"needs unprivileged user namespaces and /dev/net/tun (also \"sealed: true\" in the rules file)"}
}

// sealedNetwork returns the network of a sealed build, nil for a build that
// is not sealed.
func sealedNetwork(c *cli.Context, env *appEnv, br *buildRules) (capture.Network, error) {
	var allow []string
	on := c.Bool("sealed")
	if r := br.rules; r != nil {
		on = on || r.Sealed()
		allow = r.SealedAllow()
	}
	if !on {
		return nil, nil
	}
	cfg := sealed.Config{}
	for _, a := range allow {
		p, err := sealed.ParseAllow(a)
		if err != nil {
			return nil, usageError("build: %v", err)
		}
		cfg.Allow = append(cfg.Allow, p)
	}
	if c.Bool("debug") {
		cfg.Warnf = func(format string, a ...any) { fmt.Fprintf(env.stderr, "depaudit: sealed: "+format+"\n", a...) }
	}
	if h := env.hooks; h != nil {
		cfg.Dial = h.upstreamDial
		cfg.Resolve = h.sealedResolve
		cfg.Spawn = h.sealedSpawn
		cfg.Sysctl = h.sealedSysctl
		cfg.TunPath = h.sealedTunPath
	}
	return sealed.New(cfg), nil
}
