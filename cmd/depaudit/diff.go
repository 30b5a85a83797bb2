package main

import "github.com/urfave/cli/v2"

func diffCommand(env *appEnv) *cli.Command {
	return &cli.Command{
		Name:  "diff",
		Usage: "not implemented yet",
		Action: func(*cli.Context) error {
			return usageError("diff: not implemented yet")
		},
	}
}
