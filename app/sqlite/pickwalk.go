package sqlite

import (
	"slices"
	"strings"

	"depot/app"
	"depot/app/pickpath"
)

// walkPlace is where a place sits on the warehouse walk: its stop for
// pickpath and the code of its zone ("" when it is in none).
type walkPlace struct {
	stop pickpath.Stop
	zone string
	// zoneRank orders zones along the walk.
	zoneRank int
}

// walkMap is the walk position of every physical place.
type walkMap map[int64]walkPlace

// loadWalk reads the location tree and numbers it along the walk: the tree
// is walked depth first with the children of each place in walk sequence
// and code order (the places page's order); aisles are numbered in that
// order from 1, and the places under an aisle get their position in it in
// that order too. A bin keeps its own walk sequence, which pickpath puts
// first where it is set.
func (tx *Tx) loadWalk() (walkMap, error) {
	type node struct {
		id, parent, seq int64
		kind            app.LocationKind
		code            string
	}
	rows, err := tx.Query(`SELECT id, ifnull(parent_id, 0), walk_seq, kind, code FROM locations WHERE kind <> 'virtual'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	children := map[int64][]node{}
	for rows.Next() {
		var n node
		if err := rows.Scan(&n.id, &n.parent, &n.seq, &n.kind, &n.code); err != nil {
			return nil, err
		}
		children[n.parent] = append(children[n.parent], n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, c := range children {
		slices.SortFunc(c, func(a, b node) int {
			if a.seq != b.seq {
				return int(min(max(a.seq-b.seq, -1), 1))
			}
			return strings.Compare(strings.ToLower(a.code), strings.ToLower(b.code))
		})
	}
	m := walkMap{}
	aisles, zones := 0, 0
	pos := map[int]int{}
	var visit func(n node, aisle int, zone string, zoneRank int)
	visit = func(n node, aisle int, zone string, zoneRank int) {
		switch n.kind {
		case app.KindAisle:
			aisles++
			aisle = aisles
		case app.KindZone:
			zones++
			zone, zoneRank = n.code, zones
		}
		p := walkPlace{stop: pickpath.Stop{WalkSeq: n.seq, Code: n.code}, zone: zone, zoneRank: zoneRank}
		if aisle > 0 && n.kind != app.KindAisle {
			pos[aisle]++
			p.stop.Aisle, p.stop.Pos = aisle, pos[aisle]
		}
		m[n.id] = p
		for _, c := range children[n.id] {
			visit(c, aisle, zone, zoneRank)
		}
	}
	for _, top := range children[0] {
		visit(top, 0, "", 0)
	}
	return m, nil
}
