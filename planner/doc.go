// Package planner is the planning half of the content pipeline: it reads
// a site's keyword files, groups keywords into topics, and asks the AI to
// name the groups and to propose content ideas for them.
//
// # Keyword files
//
// ParseCSV reads the files keyword tools and spreadsheets export: comma,
// semicolon or tab separated (sniffed), UTF-8 with or without a byte
// order mark or UTF-16 with one, with a header naming the columns in any
// order (and under the names Google Keyword Planner, Semrush, Ahrefs and
// others use) or without one. Numbers may be grouped ("1,200", "1.200",
// "1 200"), abbreviated ("1.2K") or carry a currency ("$0.45", "0,45 €").
// A line it cannot import is reported with its line number and a reason
// a site owner can act on; the rest of the file is still imported.
package planner
