package shopify

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/igny8/igny8"
)

// image is an uploaded file as the shop serves it.
type image struct {
	ID  string // the file's gid
	URL string // its CDN address
	Alt string
}

type fileNode struct {
	ID         string `json:"id"`
	FileStatus string `json:"fileStatus"`
	Alt        string `json:"alt"`
	Image      *struct {
		URL     string `json:"url"`
		AltText string `json:"altText"`
	} `json:"image"`
	FileErrors []struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Details string `json:"details"`
	} `json:"fileErrors"`
}

// uploadAsset puts a site asset into the shop's files, once: the file is
// named after the SHA-256 of its bytes and looked up by that name before
// anything is uploaded. An upload is a staged upload (stagedUploadsCreate,
// then a POST of the bytes to the target Shopify names, without the
// token), then fileCreate, then polling until Shopify has processed it.
func (a *Adapter) uploadAsset(ctx context.Context, id string) (*image, error) {
	asset, err := a.Refs.Asset(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("read asset %s: %w", id, err)
	}
	if asset.SHA256 == "" {
		return nil, permanent(igny8.EInvalid, "The asset %s has no SHA-256, so IGNY8 cannot tell whether the shop has it already.", id)
	}
	filename := asset.SHA256 + strings.ToLower(path.Ext(asset.Name))
	var found struct{ Files struct{ Nodes []fileNode } }
	if err := a.Client.do(ctx, opFilesByName, map[string]any{"query": "filename:" + strconv.Quote(filename)}, &found); err != nil {
		return nil, err
	}
	for _, f := range found.Files.Nodes {
		if f.FileStatus == "FAILED" || f.Image != nil && !strings.Contains(f.Image.URL, asset.SHA256) {
			continue
		}
		if f.FileStatus == "READY" && f.Image != nil {
			return &image{ID: f.ID, URL: f.Image.URL, Alt: firstNonEmpty(f.Image.AltText, f.Alt, asset.Alt)}, nil
		}
		return a.pollFile(ctx, f.ID, asset.Alt)
	}

	var staged struct {
		StagedUploadsCreate struct {
			StagedTargets []struct {
				URL         string `json:"url"`
				ResourceURL string `json:"resourceUrl"`
				Parameters  []struct{ Name, Value string }
			} `json:"stagedTargets"`
			UserErrors []userError
		}
	}
	if err := a.Client.do(ctx, opStagedUploadsCreate, map[string]any{"input": []map[string]any{{
		"filename": filename, "mimeType": asset.ContentType, "resource": "IMAGE",
		"fileSize": strconv.Itoa(len(asset.Data)), "httpMethod": "POST",
	}}}, &staged); err != nil {
		return nil, err
	}
	if err := userErrorsError("image upload", staged.StagedUploadsCreate.UserErrors); err != nil {
		return nil, err
	}
	if len(staged.StagedUploadsCreate.StagedTargets) != 1 {
		return nil, &Error{Code: igny8.EInternal, Message: "Shopify gave no upload target for an image."}
	}
	t := staged.StagedUploadsCreate.StagedTargets[0]
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range t.Parameters {
		if err := mw.WriteField(p.Name, p.Value); err != nil {
			return nil, err
		}
	}
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		return nil, err
	}
	if _, err := fw.Write(asset.Data); err != nil {
		return nil, err
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	if err := a.Client.upload(ctx, t.URL, mw.FormDataContentType(), body.Bytes()); err != nil {
		return nil, err
	}

	var created struct {
		FileCreate struct {
			Files      []fileNode
			UserErrors []userError
		}
	}
	if err := a.Client.do(ctx, opFileCreate, map[string]any{"files": []map[string]any{{
		"originalSource": t.ResourceURL, "filename": filename, "alt": asset.Alt, "contentType": "IMAGE",
	}}}, &created); err != nil {
		return nil, err
	}
	if err := userErrorsError("image", created.FileCreate.UserErrors); err != nil {
		return nil, err
	}
	if len(created.FileCreate.Files) != 1 {
		return nil, &Error{Code: igny8.EInternal, Message: "Shopify created no file for an image and said nothing about it."}
	}
	return a.pollFile(ctx, created.FileCreate.Files[0].ID, asset.Alt)
}

// pollFile waits until Shopify has processed a file.
func (a *Adapter) pollFile(ctx context.Context, id, alt string) (*image, error) {
	for i := 0; ; i++ {
		var d struct{ Node *fileNode }
		if err := a.Client.do(ctx, opFileByID, map[string]any{"id": id}, &d); err != nil {
			return nil, err
		}
		f := d.Node
		switch {
		case f == nil:
			return nil, &Error{Code: igny8.EInternal, Message: fmt.Sprintf("The image file %s disappeared from the shop while Shopify processed it.", id)}
		case f.FileStatus == "READY" && f.Image != nil:
			return &image{ID: f.ID, URL: f.Image.URL, Alt: firstNonEmpty(f.Image.AltText, f.Alt, alt)}, nil
		case f.FileStatus == "FAILED":
			var why []string
			for _, e := range f.FileErrors {
				why = append(why, firstNonEmpty(e.Details, e.Message, e.Code))
			}
			return nil, permanent(igny8.EInvalid, "Shopify could not process an image (%s).", strings.Join(why, "; "))
		}
		if i+1 >= a.Client.cfg.PollAttempts {
			return nil, &Error{Code: igny8.EInternal, Message: "Shopify is still processing an image; IGNY8 will try again later."}
		}
		if err := a.Client.cfg.Sleep(ctx, a.Client.cfg.PollInterval); err != nil {
			return nil, &Error{Code: igny8.EInternal, stopped: true, Message: "Waiting for Shopify to process an image stopped: " + err.Error() + ".", Err: err}
		}
	}
}

// upload POSTs a staged upload's form to its target. The target is
// Shopify's storage, not the shop: the token is not sent.
func (c *Client) upload(ctx context.Context, target, contentType string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return &Error{Code: igny8.EInternal, Message: "Shopify gave an upload target that is not a URL.", Err: err}
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return &Error{Code: igny8.EInternal, stopped: true, Message: "Uploading an image to Shopify stopped: " + ctx.Err().Error() + ".", Err: ctx.Err()}
		}
		return &Error{Code: igny8.EInternal, Message: "Uploading an image to Shopify failed; IGNY8 will try again later.", Err: err}
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &Error{Code: igny8.EInternal, Status: resp.StatusCode, Message: fmt.Sprintf("Shopify's storage refused an image upload (%s); IGNY8 will try again later.", statusText(resp.StatusCode))}
	}
	return nil
}
