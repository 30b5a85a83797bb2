package rules

import "github.com/depaudit/depaudit/classify"

func classifyReq(u string) classify.Request { return classify.Request{Method: "GET", URL: u} }
