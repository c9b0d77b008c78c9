package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"
)

var errServerBusy = &Error{Status: http.StatusServiceUnavailable, Code: "server_busy",
	Message: "the server is busy checking passwords; try again in a moment"}

// withPasswordSlot runs f, bcrypt work, in one of a bounded number of
// slots: a login storm then queues here instead of taking every core from
// other requests, and what cannot get a slot soon is refused with 503.
func (a *API) withPasswordSlot(c *gin.Context, f func()) error {
	t := time.NewTimer(a.passwordWait)
	defer t.Stop()
	select {
	case a.passwordSlots <- struct{}{}:
	case <-t.C:
		a.loginRefused.WithLabelValues("busy").Inc()
		c.Header("Retry-After", "1")
		return errServerBusy
	case <-c.Request.Context().Done():
		return c.Request.Context().Err()
	}
	defer func() { <-a.passwordSlots }()
	f()
	return nil
}

// comparePassword reports whether password matches hash.
func (a *API) comparePassword(c *gin.Context, hash []byte, password string) (bool, error) {
	var match bool
	err := a.withPasswordSlot(c, func() { match = bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil })
	return match, err
}

// hashNewPassword hashes a new password at the API's cost.
func (a *API) hashNewPassword(c *gin.Context, password string) (string, error) {
	var hash string
	var herr error
	if err := a.withPasswordSlot(c, func() { hash, herr = hashPassword(password, a.passwordCost) }); err != nil {
		return "", err
	}
	return hash, herr
}
