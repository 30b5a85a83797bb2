package classify

import "testing"

func TestHuggingFace(t *testing.T) {
	const (
		A, M, API = KindArtifact, KindMetadata, KindAPI
		hf        = EcosystemHuggingFace
	)
	runRows(t, []row{
		get("https://huggingface.co/distilbert/distilbert-base-uncased/resolve/main/model.safetensors", A, hf,
			"pkg:huggingface/distilbert/distilbert-base-uncased@main#model.safetensors"),
		get("https://huggingface.co/EleutherAI/gpt-neo-1.3B/resolve/797174552AE47F449AB70B684CABCB6603E5E85E/config.json", A, hf,
			"pkg:huggingface/EleutherAI/gpt-neo-1.3B@797174552ae47f449ab70b684cabcb6603e5e85e#config.json"),
		{method: "HEAD", url: "https://huggingface.co/microsoft/deberta-v3-base/resolve/main/onnx/model.onnx", status: 302,
			location: "https://cdn-lfs.hf.co/repos/aa/bb/0123", kind: A, eco: hf, purl: "pkg:huggingface/microsoft/deberta-v3-base@main#onnx/model.onnx"},
		get("https://huggingface.co/api/models/distilbert/distilbert-base-uncased", M, hf, "pkg:huggingface/distilbert/distilbert-base-uncased"),
		get("https://huggingface.co/api/models/distilbert/distilbert-base-uncased/revision/main", M, hf, "pkg:huggingface/distilbert/distilbert-base-uncased@main"),
		get("https://huggingface.co/api/whoami-v2", M, hf, ""),
		get("https://huggingface.co/distilbert/distilbert-base-uncased", API, hf, ""),
		{method: "POST", url: "https://huggingface.co/api/models/a/b/commit/main", kind: API, eco: hf},
		none("https://huggingface.co.evil.example/a/b/resolve/main/x.bin.txt"),
	})
}
