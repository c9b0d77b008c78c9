package api

import (
	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// requireRole lets only the given roles through (after requireSession).
func requireRole(roles ...rooms.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		m := currentMember(c)
		for _, r := range roles {
			if m.Role == r {
				c.Next()
				return
			}
		}
		fail(c, rooms.ErrForbidden)
	}
}
