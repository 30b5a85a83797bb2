package sbom

import (
	"slices"
	"strconv"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/audit"
)

// service renders a host the build used as a CycloneDX service.
func service(s *audit.Service) cdx.Service {
	var props []cdx.Property
	for _, r := range s.Roles {
		props = append(props, prop(PropServiceRole, r))
	}
	props = append(props,
		prop(PropRequests, strconv.Itoa(s.Requests)),
		prop(PropBytes, strconv.FormatInt(s.Bytes, 10)),
	)
	for _, m := range s.Methods {
		props = append(props, prop(PropHTTPMethod, m))
	}
	for _, st := range s.Statuses {
		props = append(props, prop(PropHTTPStatus, strconv.Itoa(st)))
	}
	if s.Transparent {
		props = append(props, prop(PropTransparent, "true"))
	}
	for _, e := range s.Errors {
		props = append(props, prop(PropError, e))
	}
	for _, v := range s.Violations {
		props = append(props, prop(PropViolation, v.String()))
	}
	endpoints := slices.Clone(s.Endpoints)
	return cdx.Service{
		Name:                 s.Name,
		Endpoints:            &endpoints,
		Authenticated:        cdx.Bool(s.Authenticated),
		CrossesTrustBoundary: cdx.Bool(true),
		Data: &[]cdx.DataClassification{{
			Flow:           cdx.DataFlowOutbound,
			Classification: "unknown",
		}},
		Properties: propsOrNil(props),
	}
}
