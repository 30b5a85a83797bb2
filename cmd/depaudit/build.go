package main

import "github.com/urfave/cli/v2"

func buildCommand(env *appEnv) *cli.Command {
	return &cli.Command{
		Name:  "build",
		Usage: "not implemented yet",
		Action: func(*cli.Context) error {
			return usageError("build: not implemented yet")
		},
	}
}
