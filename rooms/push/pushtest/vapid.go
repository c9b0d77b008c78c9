package pushtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// checkVAPID verifies an "Authorization: vapid t=JWT, k=KEY" header: the
// key is the server's, the JWT is ES256-signed by it, its audience is this
// service's origin, it expires within 24 hours, and it names a contact.
func checkVAPID(header, wantKey, origin string) error {
	rest, ok := strings.CutPrefix(header, "vapid ")
	if !ok {
		return fmt.Errorf("Authorization %q is not a vapid one", header)
	}
	var token, key string
	for _, part := range strings.Split(rest, ",") {
		part = strings.TrimSpace(part)
		if v, ok := strings.CutPrefix(part, "t="); ok {
			token = v
		} else if v, ok := strings.CutPrefix(part, "k="); ok {
			key = v
		}
	}
	if trimKey(key) != trimKey(wantKey) {
		return fmt.Errorf("vapid k=%q, want the server's key %q", key, wantKey)
	}
	raw, err := base64.RawURLEncoding.DecodeString(trimKey(key))
	if err != nil {
		return err
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	if err != nil {
		return fmt.Errorf("vapid key: %w", err)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errors.New("vapid t= is not a JWT")
	}
	if err := verifyES256(pub, parts); err != nil {
		return err
	}
	return checkClaims(parts, origin)
}

func verifyES256(pub *ecdsa.PublicKey, parts []string) error {
	var head struct {
		Alg string `json:"alg"`
	}
	if err := decodePart(parts[0], &head); err != nil || head.Alg != "ES256" {
		return fmt.Errorf("JWT header alg %q (%v), want ES256", head.Alg, err)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return errors.New("JWT signature is not 64 bytes of r||s")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return errors.New("JWT signature does not verify with the server's VAPID key")
	}
	return nil
}

func checkClaims(parts []string, origin string) error {
	var claims struct {
		Aud string `json:"aud"`
		Exp int64  `json:"exp"`
		Sub string `json:"sub"`
	}
	if err := decodePart(parts[1], &claims); err != nil {
		return err
	}
	now := time.Now().Unix()
	switch {
	case claims.Aud != origin:
		return fmt.Errorf("JWT aud %q, want %q", claims.Aud, origin)
	case claims.Exp <= now || claims.Exp > now+24*3600:
		return fmt.Errorf("JWT exp %d is not within 24 h of now %d", claims.Exp, now)
	case !strings.HasPrefix(claims.Sub, "mailto:") && !strings.HasPrefix(claims.Sub, "https:"):
		return fmt.Errorf("JWT sub %q is neither mailto: nor https:", claims.Sub)
	}
	return nil
}

func decodePart(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
