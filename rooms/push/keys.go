package push

import (
	"context"
	"fmt"

	webpush "github.com/SherClockHolmes/webpush-go"

	"github.com/zadankai/zadankai/rooms"
)

// LoadKeys returns the server's VAPID keys: configured ones when given
// (both halves), else those in the store, generated and stored on the
// first start (the first replica to store them wins).
func LoadKeys(ctx context.Context, store rooms.Store, public, private string) (*rooms.VAPIDKeys, error) {
	if public != "" || private != "" {
		if public == "" || private == "" {
			return nil, fmt.Errorf("push: a VAPID key pair needs both its public and private key")
		}
		return &rooms.VAPIDKeys{Public: public, Private: private}, nil
	}
	priv, pub, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		return nil, fmt.Errorf("push: generating VAPID keys: %w", err)
	}
	k, err := store.EnsureVAPIDKeys(ctx, &rooms.VAPIDKeys{Public: pub, Private: priv})
	if err != nil {
		return nil, fmt.Errorf("push: storing VAPID keys: %w", err)
	}
	return k, nil
}
