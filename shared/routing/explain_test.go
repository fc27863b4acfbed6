package routing

import (
	"math/rand/v2"
	"testing"
	"time"
)

// timeZones includes zones with half- and quarter-hour offsets, zones
// whose abbreviation is a number such as "-03", and one without any
// abbreviation.
var timeZones = []string{
	"UTC", "Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles",
	"America/Sao_Paulo", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Chatham",
	"Pacific/Kiritimati", "America/St_Johns",
}

func TestAppendTimeMatchesFormat(t *testing.T) {
	locations := []*time.Location{time.FixedZone("", -3*3600-1800), time.FixedZone("XST", 5*3600+45*60)}
	for _, name := range timeZones {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatalf("load %s: %v", name, err)
		}
		locations = append(locations, loc)
	}

	instants := []time.Time{
		tuesday,
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 6, 1, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC),
		time.Date(2026, 10, 25, 0, 59, 59, 999999999, time.UTC),
		{},
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 5000 {
		instants = append(instants, time.Unix(rng.Int64N(400*365*86400)-100*365*86400, rng.Int64N(1e9)))
	}

	for _, loc := range locations {
		for _, instant := range instants {
			at := instant.In(loc)
			want := at.Format(timeLayout)
			if got := string(appendTime(nil, at)); got != want {
				t.Errorf("appendTime(%v in %q) = %q, want %q", instant, loc, got, want)
			}
		}
	}
}

func TestAppendDigitsPadsToWidth(t *testing.T) {
	cases := []struct {
		n, width int
		want     string
	}{
		{0, 2, "00"},
		{7, 2, "07"},
		{59, 2, "59"},
		{2026, 4, "2026"},
		{33, 4, "0033"},
	}
	for _, tc := range cases {
		if got := string(appendDigits([]byte("x"), tc.n, tc.width)); got != "x"+tc.want {
			t.Errorf("appendDigits(%d, %d) = %q, want %q", tc.n, tc.width, got, "x"+tc.want)
		}
	}
}

// FuzzAppendTime compares appendTime with time.Format for any instant in
// any of the test zones.
func FuzzAppendTime(f *testing.F) {
	f.Add(int64(0), int64(0), uint8(0))
	f.Add(tuesday.Unix(), int64(1), uint8(3))
	f.Add(int64(253402300799), int64(999999999), uint8(9))
	f.Add(int64(-62135596801), int64(0), uint8(5))
	var locations []*time.Location
	for _, name := range timeZones {
		loc, err := time.LoadLocation(name)
		if err != nil {
			f.Fatalf("load %s: %v", name, err)
		}
		locations = append(locations, loc)
	}
	f.Fuzz(func(t *testing.T, seconds, nanoseconds int64, zone uint8) {
		at := time.Unix(seconds, nanoseconds).In(locations[int(zone)%len(locations)])
		want := at.Format(timeLayout)
		if got := string(appendTime(nil, at)); got != want {
			t.Errorf("appendTime(%d, %d in %s) = %q, want %q", seconds, nanoseconds, at.Location(), got, want)
		}
	})
}
