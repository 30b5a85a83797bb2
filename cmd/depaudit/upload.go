package main

import "github.com/urfave/cli/v2"

func uploadCommand(env *appEnv) *cli.Command {
	return &cli.Command{
		Name:  "upload",
		Usage: "not implemented yet",
		Action: func(*cli.Context) error {
			return usageError("upload: not implemented yet")
		},
	}
}
