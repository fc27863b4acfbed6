package intake

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkHandle measures parsing, validation, routing and the response
// for one submission, with the in-memory store, so the figure excludes storage.
func BenchmarkHandle(b *testing.B) {
	cases := []struct {
		name        string
		contentType string
		body        func(i int) string
	}{
		{"json", "application/json", func(i int) string {
			return fmt.Sprintf(`{"email":"ada%d@example.com","first_name":"Ada","last_name":"Lovelace","company":"Example %d","employees":"51-200","budget":"$12,500","source":"inbound","message":"Please call me back."}`, i, i)
		}},
		{"urlencoded", "application/x-www-form-urlencoded", func(i int) string {
			return fmt.Sprintf("work_email=ada%d%%40example.com&full_name=Ada+Lovelace&organization=Example+%d&company_size=51-200&budget=12k&source=inbound&comments=Please+call.", i, i)
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			h := newTestHandler(b, newMemoryStore())
			events := make([]string, b.N)
			for i := range events {
				events[i] = c.body(i)
			}
			b.ResetTimer()

			for i := 0; i < b.N; i++ {
				res, _ := h.Handle(context.Background(), postEvent(c.contentType, events[i], map[string]string{"Accept": "application/json"}))
				if res.StatusCode != 202 {
					b.Fatalf("status %d: %s", res.StatusCode, res.Body)
				}
			}
		})
	}
}
