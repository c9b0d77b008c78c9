package rooms

import (
	"time"
	"unicode/utf8"
)

// CompanyStatus is where a client company stands in its subscription.
type CompanyStatus string

// Company statuses.
const (
	CompanyTrial  CompanyStatus = "trial"
	CompanyActive CompanyStatus = "active"
	CompanyEnded  CompanyStatus = "ended"
)

// Valid reports whether s is a known status.
func (s CompanyStatus) Valid() bool {
	switch s {
	case CompanyTrial, CompanyActive, CompanyEnded:
		return true
	}
	return false
}

// Company is a client organisation that subscribes to the network.
type Company struct {
	ID        CompanyID
	Name      string
	Status    CompanyStatus
	CreatedAt time.Time
	UpdatedAt time.Time
	// Version increases by one on every update; stores use it to refuse
	// lost updates (compare-and-set).
	Version int64
}

// Validate checks the fields a caller sets.
func (c *Company) Validate() error {
	c.Name = CleanLine(c.Name)
	switch {
	case c.Name == "":
		return Invalid("name", "required", "company name is required")
	case utf8.RuneCountInString(c.Name) > 200:
		return Invalid("name", "too_long", "company name is longer than 200 characters")
	case badLine(c.Name):
		return Invalid("name", "invalid_characters", badLineMsg)
	case !c.Status.Valid():
		return Invalid("status", "unknown_value", "status must be trial, active or ended")
	}
	return nil
}
