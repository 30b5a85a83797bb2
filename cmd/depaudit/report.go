package main

import "github.com/urfave/cli/v2"

func reportCommand(env *appEnv) *cli.Command {
	return &cli.Command{
		Name:  "report",
		Usage: "not implemented yet",
		Action: func(*cli.Context) error {
			return usageError("report: not implemented yet")
		},
	}
}
