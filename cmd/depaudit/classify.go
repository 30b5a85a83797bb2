package main

import "github.com/urfave/cli/v2"

func classifyCommand(env *appEnv) *cli.Command {
	return &cli.Command{
		Name:  "classify",
		Usage: "not implemented yet",
		Action: func(*cli.Context) error {
			return usageError("classify: not implemented yet")
		},
	}
}
