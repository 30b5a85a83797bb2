// Package dtrack is a small client for the parts of the OWASP Dependency-Track
// REST API that depaudit uses: uploading a CycloneDX BOM (PUT /api/v1/bom with
// a base64 JSON body, or multipart POST for BOMs whose base64 form exceeds the
// server's 20,000,000-character limit), polling the event token until the
// upload is processed, looking a project up by name and version, and reading
// a project's findings.
//
// Every failure is an *Error that says what happened and what to do about it
// (which permission the key lacks, which flag to add, which proxy limit to
// raise). Requests are retried with backoff on 5xx responses and network
// errors, never on 4xx. The API key travels only in the X-Api-Key header and
// never appears in an error.
package dtrack
