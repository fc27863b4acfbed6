package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/leadrouter/leadrouter/shared/gsheets"
	"github.com/leadrouter/leadrouter/shared/sheet"
	"github.com/leadrouter/leadrouter/shared/xlsx"
)

// openSpreadsheet returns the Book of a Google spreadsheet, authenticated
// with a service-account key or a Workload Identity Federation
// configuration. Tests replace it to reach a local fake Sheets server.
var openSpreadsheet = func(ctx context.Context, spreadsheetID string, credentialsJSON []byte) (sheet.Book, error) {
	svc, err := gsheets.NewService(ctx, credentialsJSON)
	if err != nil {
		return nil, err
	}
	return gsheets.New(svc, spreadsheetID)
}

// headerReader is implemented by books that can return a tab's header
// row, which lets sheet init report what it is about to create.
type headerReader interface {
	Headers(ctx context.Context, tab string) ([]string, error)
}

func runSheet(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		sheetUsage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] != "init" {
		fmt.Fprintf(stderr, "leadrouter sheet: unknown subcommand %q; the only one is init\n\n", args[0])
		sheetUsage(stderr)
		return 2
	}
	return runSheetInit(ctx, args[1:], stdout, stderr)
}

func sheetUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: leadrouter sheet init --workbook PATH")
	fmt.Fprintln(w, "       leadrouter sheet init --spreadsheet ID --credentials FILE")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Creates the missing tabs and header rows of the team's sheet. Existing data,")
	fmt.Fprintln(w, "columns and tabs stay as they are, so running it again changes nothing.")
}

func runSheetInit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("leadrouter sheet init", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		sheetUsage(stderr)
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Flags:")
		flags.PrintDefaults()
	}
	workbook := flags.String("workbook", "", "local .xlsx workbook to create or complete (created with its folder when missing)")
	spreadsheet := flags.String("spreadsheet", "", "Google spreadsheet id, or the sheet's whole URL")
	credentials := flags.String("credentials", "", "Google credentials JSON file: a service-account key or a Workload Identity Federation configuration (with --spreadsheet)")

	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if problem := checkSheetInitFlags(flags.Args(), *workbook, *spreadsheet, *credentials); problem != "" {
		fmt.Fprintf(stderr, "leadrouter sheet init: %s\n\n", problem)
		flags.Usage()
		return 2
	}

	if *workbook != "" {
		return initWorkbook(ctx, *workbook, stdout, stderr)
	}
	return initSpreadsheet(ctx, *spreadsheet, *credentials, stdout, stderr)
}

// checkSheetInitFlags returns what is wrong with the flags, or "".
func checkSheetInitFlags(extra []string, workbook, spreadsheet, credentials string) string {
	switch {
	case len(extra) > 0:
		return fmt.Sprintf("unexpected argument %q; name the target with --workbook or --spreadsheet", extra[0])
	case workbook == "" && spreadsheet == "":
		return "missing target: pass --workbook PATH or --spreadsheet ID"
	case workbook != "" && spreadsheet != "":
		return "--workbook and --spreadsheet both set; pass one of them"
	case workbook != "" && credentials != "":
		return "--credentials applies to --spreadsheet only; a local workbook needs none"
	case spreadsheet != "" && credentials == "":
		return "--spreadsheet needs --credentials FILE, the service-account key or Workload Identity Federation configuration"
	}
	return ""
}

func initWorkbook(ctx context.Context, path string, stdout, stderr io.Writer) int {
	_, statErr := os.Stat(path)
	existed := !errors.Is(statErr, fs.ErrNotExist)

	book, err := xlsx.Open(path)
	if err != nil {
		fmt.Fprintf(stderr, "leadrouter sheet init: %v\n", err)
		return 1
	}
	defer book.Close()

	if !existed {
		fmt.Fprintf(stdout, "created workbook %s with tabs %s\n", path, layoutNames())
		return 0
	}
	return ensureLayout(ctx, book, path, "", stdout, stderr)
}

func initSpreadsheet(ctx context.Context, spreadsheet, credentialsPath string, stdout, stderr io.Writer) int {
	id, err := gsheets.ParseSpreadsheetID(spreadsheet)
	if err != nil {
		fmt.Fprintf(stderr, "leadrouter sheet init: %v\n", err)
		return 2
	}
	credentialsJSON, err := os.ReadFile(credentialsPath)
	if err != nil {
		fmt.Fprintf(stderr, "leadrouter sheet init: read credentials: %v\n", err)
		return 1
	}

	book, err := openSpreadsheet(ctx, id, credentialsJSON)
	if err != nil {
		fmt.Fprintf(stderr, "leadrouter sheet init: %v\n", err)
		return 1
	}
	hint := "Check that the sheet is shared with the service account's email address as an editor."
	return ensureLayout(ctx, book, "spreadsheet "+id, hint, stdout, stderr)
}

// ensureLayout creates what the layout lacks in book and prints each
// change, or that there was none. invalidHint follows an ErrInvalid error.
func ensureLayout(ctx context.Context, book sheet.Book, name, invalidHint string, stdout, stderr io.Writer) int {
	changes, known, err := plannedChanges(ctx, book)
	if err != nil {
		fmt.Fprintf(stderr, "leadrouter sheet init: read the tabs of %s: %v\n", name, err)
		return 1
	}

	if err := book.EnsureTabs(ctx, sheet.Layout); err != nil {
		fmt.Fprintf(stderr, "leadrouter sheet init: %v\n", err)
		if errors.Is(err, sheet.ErrInvalid) && invalidHint != "" {
			fmt.Fprintln(stderr, invalidHint)
		}
		return 1
	}

	switch {
	case !known:
		fmt.Fprintf(stdout, "%s has every tab and header of the layout: %s\n", name, layoutNames())
	case len(changes) == 0:
		fmt.Fprintf(stdout, "%s already has every tab and header; nothing changed\n", name)
	default:
		for _, change := range changes {
			fmt.Fprintf(stdout, "%s: %s\n", name, change)
		}
	}
	return 0
}

// plannedChanges lists what EnsureTabs is about to create. known is false
// when book cannot return header rows, so the changes are not known.
func plannedChanges(ctx context.Context, book sheet.Book) (changes []string, known bool, err error) {
	reader, ok := book.(headerReader)
	if !ok {
		return nil, false, nil
	}

	for _, tab := range sheet.Layout {
		present, err := reader.Headers(ctx, tab.Name)
		if errors.Is(err, sheet.ErrNotFound) {
			changes = append(changes, fmt.Sprintf("created tab %q with headers %s", tab.Name, strings.Join(tab.Headers, ", ")))
			continue
		}
		if err != nil {
			return nil, true, err
		}

		var missing []string
		for _, header := range tab.Headers {
			if !containsHeader(present, header) {
				missing = append(missing, header)
			}
		}
		if len(missing) > 0 {
			changes = append(changes, fmt.Sprintf("added to tab %q the headers %s", tab.Name, strings.Join(missing, ", ")))
		}
	}
	return changes, true, nil
}

func containsHeader(headers []string, header string) bool {
	for _, present := range headers {
		if sheet.HeaderMatches(present, header) {
			return true
		}
	}
	return false
}

func layoutNames() string {
	names := make([]string, len(sheet.Layout))
	for i, tab := range sheet.Layout {
		names[i] = tab.Name
	}
	return strings.Join(names, ", ")
}
