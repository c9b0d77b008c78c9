// Package rooms is Zadankai's domain: companies, members, their sessions and,
// as the product grows, consultations, roundtables, schedules and feedback.
//
// It depends on the standard library only. Storage is reached through the
// Store interface declared here; its implementations live in sqlitestore
// (the embedded default) and mongostore (production).
package rooms
