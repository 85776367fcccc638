package builder

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"image"
	_ "image/gif" // register decoders for image.DecodeConfig
	_ "image/jpeg"
	_ "image/png"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/igny8/igny8/blueprints"
	_ "golang.org/x/image/webp"
)

// media is an asset ready to publish under a name that carries its hash.
type media struct {
	id     string
	url    string // /media/<id>.<sha256>.<ext>
	data   []byte
	alt    string
	width  int
	height int
}

// loadMedia reads every asset of bp, from files in fsys or inline data.
func loadMedia(bp *blueprints.Blueprint, fsys fs.FS) (map[string]*media, error) {
	out := make(map[string]*media, len(bp.Assets))
	for id, a := range bp.Assets {
		var data []byte
		var err error
		if a.Data != "" {
			data, err = base64.StdEncoding.DecodeString(a.Data)
		} else if fsys == nil {
			err = fmt.Errorf("no folder to read %s from", a.Path)
		} else {
			data, err = fs.ReadFile(fsys, path.Clean(a.Path))
		}
		if err != nil {
			return nil, fmt.Errorf("asset %q: %w", id, err)
		}
		sum := sha256.Sum256(data)
		m := &media{
			id:   id,
			url:  "/media/" + id + "." + hex.EncodeToString(sum[:]) + blueprints.AssetExt(a),
			data: data,
		}
		if a.Alt != nil {
			m.alt = *a.Alt
		}
		m.width, m.height = dimensions(blueprints.AssetType(a), data)
		out[id] = m
	}
	return out, nil
}

// dimensions returns an image's intrinsic size, or zeros when unknown.
func dimensions(mediaType string, data []byte) (int, int) {
	if mediaType == "image/svg+xml" {
		return svgDimensions(data)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return 0, 0
	}
	return cfg.Width, cfg.Height
}

// svgDimensions reads width and height (or the viewBox) of the root element.
func svgDimensions(data []byte) (int, int) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	for {
		tok, err := dec.Token()
		if err == io.EOF || err != nil {
			return 0, 0
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		var w, h float64
		var vb []float64
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "width":
				w = svgLength(a.Value)
			case "height":
				h = svgLength(a.Value)
			case "viewBox":
				for _, f := range strings.FieldsFunc(a.Value, func(r rune) bool { return r == ' ' || r == ',' }) {
					v, _ := strconv.ParseFloat(f, 64)
					vb = append(vb, v)
				}
			}
		}
		if (w == 0 || h == 0) && len(vb) == 4 {
			w, h = vb[2], vb[3]
		}
		return int(w + 0.5), int(h + 0.5)
	}
}

func svgLength(s string) float64 {
	s = strings.TrimSuffix(strings.TrimSpace(s), "px")
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0 // percentages and other units: fall back to the viewBox
	}
	return v
}
