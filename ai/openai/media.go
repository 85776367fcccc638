package openai

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	_ "image/gif"  // decoders, to report an image's size
	_ "image/jpeg" // decoders, to report an image's size
	_ "image/png"  // decoders, to report an image's size
	"net/http"
	"slices"
	"strings"

	oai "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	_ "golang.org/x/image/webp" // decoder, to report an image's size

	"github.com/igny8/igny8/ai"
)

// embedBatch is how many inputs one embeddings request carries; more are
// sent in several requests (OpenAI takes at most 2048 per request).
const embedBatch = 512

// Embed returns one vector per input, or an error wrapping
// ai.ErrUnsupported when no embedding model is configured.
func (p *Provider) Embed(ctx context.Context, req ai.EmbedRequest) (*ai.EmbedResponse, error) {
	if p.cfg.EmbeddingModel == "" {
		return nil, fmt.Errorf("%s: no embedding model is configured (%s): %w", p.Name(), EnvEmbeddingModel, ai.ErrUnsupported)
	}
	out := &ai.EmbedResponse{Vectors: make([][]float32, 0, len(req.Inputs)), Model: p.cfg.EmbeddingModel}
	for start := 0; start < len(req.Inputs); start += embedBatch {
		batch := req.Inputs[start:min(start+embedBatch, len(req.Inputs))]
		var raw *http.Response
		resp, err := p.embed.New(ctx, oai.EmbeddingNewParams{
			Model:          p.cfg.EmbeddingModel,
			Input:          oai.EmbeddingNewParamsInputUnion{OfArrayOfStrings: batch},
			EncodingFormat: oai.EmbeddingNewParamsEncodingFormatFloat,
		}, option.WithResponseInto(&raw))
		if err != nil {
			return nil, p.classify(ctx, "embeddings", err, raw)
		}
		if len(resp.Data) != len(batch) {
			return nil, &ai.Error{Kind: ai.InvalidOutput, Message: "The AI provider returned the wrong number of embeddings.",
				Detail: fmt.Sprintf("%s embeddings: %d vectors for %d inputs", p.Name(), len(resp.Data), len(batch))}
		}
		vecs := make([][]float32, len(batch))
		for _, d := range resp.Data {
			if d.Index < 0 || int(d.Index) >= len(batch) || vecs[d.Index] != nil {
				return nil, &ai.Error{Kind: ai.InvalidOutput, Message: "The AI provider returned embeddings out of order.",
					Detail: fmt.Sprintf("%s embeddings: index %d in a batch of %d", p.Name(), d.Index, len(batch))}
			}
			v := make([]float32, len(d.Embedding))
			for i, x := range d.Embedding {
				v[i] = float32(x)
			}
			vecs[d.Index] = v
		}
		out.Vectors = append(out.Vectors, vecs...)
		if resp.Model != "" {
			out.Model = resp.Model
		}
		out.Usage.In += int(resp.Usage.PromptTokens)
	}
	return out, nil
}

// Image sizes: requests without a size get a social-card shape.
const (
	defaultWidth  = 1200
	defaultHeight = 630
)

// Image generates one image, or returns an error wrapping
// ai.ErrUnsupported when no image model is configured. The image comes
// back at a size the model accepts nearest in shape to the one asked for
// (see imageSize), which ImageResponse reports: callers crop or scale.
func (p *Provider) Image(ctx context.Context, req ai.ImageRequest) (*ai.ImageResponse, error) {
	if p.cfg.ImageModel == "" {
		return nil, fmt.Errorf("%s: no image model is configured (%s): %w", p.Name(), EnvImageModel, ai.ErrUnsupported)
	}
	w, h := req.Width, req.Height
	if w <= 0 || h <= 0 {
		w, h = defaultWidth, defaultHeight
	}
	params := oai.ImageGenerateParams{
		Prompt: req.Prompt,
		Model:  p.cfg.ImageModel,
		N:      oai.Int(1),
		Size:   oai.ImageGenerateParamsSize(imageSize(p.cfg.ImageModel, w, h)),
	}
	if strings.HasPrefix(strings.ToLower(p.cfg.ImageModel), "dall-e") {
		// DALL·E answers with a URL unless asked; GPT image models always
		// answer base64 and reject the parameter.
		params.ResponseFormat = oai.ImageGenerateParamsResponseFormatB64JSON
	}
	var raw *http.Response
	resp, err := p.images.Generate(ctx, params, option.WithResponseInto(&raw))
	if err != nil {
		return nil, p.classify(ctx, "image", err, raw)
	}
	if len(resp.Data) == 0 || resp.Data[0].B64JSON == "" {
		detail := "no image data in the response"
		if len(resp.Data) > 0 && resp.Data[0].URL != "" {
			detail = "the response has a URL instead of b64_json image data"
		}
		return nil, &ai.Error{Kind: ai.InvalidOutput, Message: "The AI provider returned no image data.", Detail: fmt.Sprintf("%s image: %s", p.Name(), detail)}
	}
	data, err := base64.StdEncoding.DecodeString(resp.Data[0].B64JSON)
	if err != nil {
		return nil, &ai.Error{Kind: ai.InvalidOutput, Message: "The AI provider returned image data that does not decode.", Detail: fmt.Sprintf("%s image: b64_json: %v", p.Name(), err)}
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, &ai.Error{Kind: ai.InvalidOutput, Message: "The AI provider returned something that is not an image.",
			Detail: fmt.Sprintf("%s image: %d bytes sniffed as %s: %v", p.Name(), len(data), http.DetectContentType(data), err)}
	}
	return &ai.ImageResponse{
		Data:        data,
		ContentType: http.DetectContentType(data),
		Width:       cfg.Width,
		Height:      cfg.Height,
		Model:       p.cfg.ImageModel,
	}, nil
}

// imageSize is the size to ask model for: OpenAI's models accept only a
// few, so a request gets the one nearest its shape (landscape, square or
// portrait); GPT image models take 1024x1024, 1536x1024 and 1024x1536,
// DALL·E 3 1024x1024, 1792x1024 and 1024x1792, DALL·E 2 squares of 256,
// 512 and 1024. Other models (on other servers) get the size asked for.
func imageSize(model string, w, h int) string {
	m := strings.ToLower(model)
	ratio := float64(w) / float64(h)
	shape := func(landscape, square, portrait string) string {
		switch {
		case ratio >= 1.25:
			return landscape
		case ratio <= 0.8:
			return portrait
		}
		return square
	}
	switch {
	case strings.HasPrefix(m, "dall-e-2"):
		side := max(w, h)
		for _, s := range []int{256, 512} {
			if side <= s {
				return fmt.Sprintf("%dx%d", s, s)
			}
		}
		return "1024x1024"
	case strings.HasPrefix(m, "dall-e"):
		return shape("1792x1024", "1024x1024", "1024x1792")
	case slices.ContainsFunc([]string{"gpt-image", "chatgpt-image"}, func(p string) bool { return strings.HasPrefix(m, p) }):
		return shape("1536x1024", "1024x1024", "1024x1536")
	}
	return fmt.Sprintf("%dx%d", w, h)
}
