package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// CompanyView is what the API shows of a company.
type CompanyView struct {
	ID        rooms.CompanyID     `json:"id"`
	Name      string              `json:"name"`
	Status    rooms.CompanyStatus `json:"status"`
	CreatedAt time.Time           `json:"created_at"`
}

func viewCompany(c *rooms.Company) CompanyView {
	return CompanyView{ID: c.ID, Name: c.Name, Status: c.Status, CreatedAt: c.CreatedAt}
}

type createCompanyRequest struct {
	Name   string              `json:"name"`
	Status rooms.CompanyStatus `json:"status"`
}

func (a *API) createCompany(c *gin.Context) {
	var req createCompanyRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	if req.Status == "" {
		req.Status = rooms.CompanyTrial
	}
	co := &rooms.Company{ID: rooms.NewCompanyID(), Name: req.Name, Status: req.Status}
	if err := co.Validate(); err != nil {
		fail(c, err)
		return
	}
	if err := a.store.CreateCompany(c.Request.Context(), co); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, viewCompany(co))
}

func (a *API) listCompanies(c *gin.Context) {
	list, err := a.store.ListCompanies(c)
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]CompanyView, len(list))
	for i, co := range list {
		out[i] = viewCompany(co)
	}
	c.JSON(http.StatusOK, gin.H{"companies": out})
}

// visibleCompany loads the company in the path if the caller may see it:
// operators see all, others only their own. Others' companies are "not
// found", so their existence does not leak.
func (a *API) visibleCompany(c *gin.Context) (*rooms.Company, bool) {
	id := rooms.CompanyID(c.Param("id"))
	m := currentMember(c)
	if !id.Valid() || (m.Role != rooms.RoleOperator && m.CompanyID != id) {
		fail(c, rooms.ErrNotFound)
		return nil, false
	}
	co, err := a.store.GetCompany(c.Request.Context(), id)
	if err != nil {
		fail(c, err)
		return nil, false
	}
	return co, true
}

func (a *API) getCompany(c *gin.Context) {
	if co, ok := a.visibleCompany(c); ok {
		c.JSON(http.StatusOK, viewCompany(co))
	}
}

type updateCompanyRequest struct {
	Name   *string              `json:"name"`
	Status *rooms.CompanyStatus `json:"status"`
}

func (a *API) updateCompany(c *gin.Context) {
	var req updateCompanyRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	co, ok := a.visibleCompany(c)
	if !ok {
		return
	}
	if req.Name != nil {
		co.Name = *req.Name
	}
	if req.Status != nil {
		co.Status = *req.Status
	}
	if err := co.Validate(); err != nil {
		fail(c, err)
		return
	}
	if err := a.store.UpdateCompany(c.Request.Context(), co); err != nil {
		if errors.Is(err, rooms.ErrConflict) {
			err = &Error{Status: http.StatusConflict, Code: "conflict", Message: "the company changed meanwhile; reload and retry"}
		}
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, viewCompany(co))
}
