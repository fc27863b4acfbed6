package fakesheets

import (
	"fmt"
	"strconv"
	"strings"
)

// gridRange is a parsed A1 range with 0-based, inclusive row and column
// bounds. A bound of -1 means the range is open on that side (a whole
// column such as "A:C", a whole row such as "1:1", or a bare sheet name).
type gridRange struct {
	Sheet      string
	Row0, Row1 int
	Col0, Col1 int
}

// parseA1 parses "Sheet", "'Target Accounts'!A1:C", "Leads!A:A",
// "Leads!1:1" and "Leads!B3" the way the Sheets API reads them.
func parseA1(text string) (gridRange, error) {
	sheetName, cells, err := splitSheet(text)
	if err != nil {
		return gridRange{}, err
	}

	r := gridRange{Sheet: sheetName, Row0: -1, Row1: -1, Col0: -1, Col1: -1}
	if cells == "" {
		return r, nil
	}

	first, second, isPair := strings.Cut(cells, ":")
	c0, r0, err := parseCell(first)
	if err != nil {
		//lint:ignore ST1005 the text is Google's own error message, which clients may match
		return gridRange{}, fmt.Errorf("Unable to parse range: %s", text)
	}

	c1, r1 := c0, r0
	if isPair {
		c1, r1, err = parseCell(second)
		if err != nil {
			//lint:ignore ST1005 the text is Google's own error message, which clients may match
			return gridRange{}, fmt.Errorf("Unable to parse range: %s", text)
		}
	}

	// An absent part stays -1: "A2:C" is open below row 2, "A:C" has no
	// row bounds and "1:1" no column bounds.
	r.Col0, r.Col1, r.Row0, r.Row1 = c0, c1, r0, r1
	return r, nil
}

// splitSheet separates the sheet name from the cell part, removing the
// quotes around a name like 'Target Accounts' and undoing doubled quotes.
func splitSheet(text string) (string, string, error) {
	if strings.HasPrefix(text, "'") {
		var name strings.Builder
		for i := 1; i < len(text); i++ {
			if text[i] != '\'' {
				name.WriteByte(text[i])
				continue
			}
			if i+1 < len(text) && text[i+1] == '\'' {
				name.WriteByte('\'')
				i++
				continue
			}

			rest := text[i+1:]
			if rest == "" {
				return name.String(), "", nil
			}
			if !strings.HasPrefix(rest, "!") {
				//lint:ignore ST1005 the text is Google's own error message, which clients may match
				return "", "", fmt.Errorf("Unable to parse range: %s", text)
			}
			return name.String(), rest[1:], nil
		}
		//lint:ignore ST1005 the text is Google's own error message, which clients may match
		return "", "", fmt.Errorf("Unable to parse range: %s", text)
	}

	name, cells, _ := strings.Cut(text, "!")
	return name, cells, nil
}

// parseCell parses "B3", "B" or "3" into a 0-based column and row, -1 for
// the part that is absent.
func parseCell(text string) (int, int, error) {
	i := 0
	for i < len(text) && isLetter(text[i]) {
		i++
	}

	letters, digits := strings.ToUpper(text[:i]), text[i:]
	if letters == "" && digits == "" {
		return 0, 0, fmt.Errorf("empty cell reference")
	}

	col := -1
	if letters != "" {
		col = 0
		for _, ch := range letters {
			col = col*26 + int(ch-'A'+1)
		}
		col--
	}

	row := -1
	if digits != "" {
		n, err := strconv.Atoi(digits)
		if err != nil || n < 1 {
			return 0, 0, fmt.Errorf("bad row %q", digits)
		}
		row = n - 1
	}

	return col, row, nil
}

func isLetter(ch byte) bool {
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z')
}

// ColumnLetter returns the A1 letters of a 0-based column index: 0 is "A",
// 26 is "AA".
func ColumnLetter(col int) string {
	var letters []byte
	for col >= 0 {
		letters = append([]byte{byte('A' + col%26)}, letters...)
		col = col/26 - 1
	}
	return string(letters)
}

// quoteSheet quotes a sheet name for A1 notation when it holds anything
// but letters, digits and underscores, as the API does in its responses.
func quoteSheet(name string) string {
	plain := name != ""
	for _, ch := range name {
		if !(ch == '_' || (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) {
			plain = false
			break
		}
	}
	if plain {
		return name
	}
	return "'" + strings.ReplaceAll(name, "'", "''") + "'"
}

// formatA1 writes a closed range in A1 notation.
func formatA1(sheetName string, row0, col0, row1, col1 int) string {
	start := fmt.Sprintf("%s%d", ColumnLetter(col0), row0+1)
	end := fmt.Sprintf("%s%d", ColumnLetter(col1), row1+1)
	if start == end {
		return quoteSheet(sheetName) + "!" + start
	}
	return quoteSheet(sheetName) + "!" + start + ":" + end
}
