package match

import (
	"errors"
	"fmt"
)

// ErrInvalidConfig is wrapped by every error Config.Validate returns.
var ErrInvalidConfig = errors.New("match: invalid config")

// ErrUnknownPerson is returned when a batch is asked for an ID that is not
// in the population.
var ErrUnknownPerson = errors.New("match: no such person")

// ErrDuplicateID is returned when two people share an ID: their batches
// and their exposure counts could not be told apart.
var ErrDuplicateID = errors.New("match: duplicate person ID")

// ConfigError names the Config field that is out of range and why.
type ConfigError struct {
	Field  string
	Reason string
}

// Error implements error.
func (e *ConfigError) Error() string {
	return fmt.Sprintf("match: config %s: %s", e.Field, e.Reason)
}

// Unwrap lets errors.Is(err, ErrInvalidConfig) match.
func (e *ConfigError) Unwrap() error { return ErrInvalidConfig }
