package testenv

import (
	"net"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestBrowserReadsLocalPage(t *testing.T) {
	ctx := Browser(t)

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	server := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><title>t</title><p id="greeting">hello from 127.0.0.1</p>`))
	})}
	go func() { _ = server.Serve(listener) }()
	t.Cleanup(func() { _ = server.Close() })

	if err := chromedp.Do(ctx, chromedp.Navigate("http://"+listener.Addr().String()+"/")); err != nil {
		t.Fatalf("open page: %v", err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("greeting")))
	if err != nil {
		t.Fatalf("read page: %v", err)
	}
	if text != "hello from 127.0.0.1" {
		t.Errorf("text = %q, want the page's greeting", text)
	}
}
