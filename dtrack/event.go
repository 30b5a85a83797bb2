package dtrack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// Processing reports whether the server is still processing the upload
// identified by token (GET /api/v1/event/token/{token}, Dependency-Track
// 4.11 or later). An unknown token reads as not processing.
func (c *Client) Processing(ctx context.Context, token string) (bool, error) {
	if !IsUUID(token) {
		return false, fmt.Errorf("%s: token %q is not a UUID", OpPoll, token)
	}
	var out struct {
		Processing *bool `json:"processing"`
	}
	_, err := c.do(ctx, request{op: OpPoll, method: http.MethodGet, path: "/api/v1/event/token/" + url.PathEscape(token)}, &out)
	if err != nil {
		return false, err
	}
	if out.Processing == nil {
		return false, &Error{Op: OpPoll, URL: c.base.String() + "/api/v1/event/token/" + token,
			Summary: `unexpected answer: no "processing" field`,
			Hint:    "check that --url points at Dependency-Track 4.11 or later"}
	}
	return *out.Processing, nil
}

// ErrStillProcessing is returned, wrapped with the context's error, when
// ctx ends while the server is still processing an upload.
var ErrStillProcessing = errors.New("the server is still processing the BOM")

// WaitProcessed polls the token with the client's poll backoff until the
// server reports that processing has ended, or ctx ends. On timeout the
// error wraps both ErrStillProcessing and ctx.Err().
func (c *Client) WaitProcessed(ctx context.Context, token string) error {
	for n := 1; ; n++ {
		busy, err := c.Processing(ctx, token)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("%w: %w", ErrStillProcessing, ctx.Err())
			}
			return err
		}
		if !busy {
			return nil
		}
		if err := c.sleep(ctx, c.poll.Wait(n)); err != nil {
			return fmt.Errorf("%w: %w", ErrStillProcessing, err)
		}
	}
}
