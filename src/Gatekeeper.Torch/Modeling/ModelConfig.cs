namespace Gatekeeper.Torch.Modeling;

/// <summary>
/// What every family's config says and the code around the models needs. Each family's record
/// adds its own architecture; two configs are the same architecture exactly when they are equal.
/// </summary>
public abstract record ModelConfig
{
    /// <summary><c>model_type</c> in <c>config.json</c>: <c>gpt2</c>, <c>llama</c>, <c>qwen2</c>.</summary>
    public abstract string ModelType { get; }

    /// <summary>The Hugging Face class that loads it, written to <c>architectures</c>.</summary>
    public abstract string Architecture { get; }

    public required int VocabSize { get; init; }

    /// <summary>The longest sequence the model takes.</summary>
    public required int ContextLength { get; init; }

    public required int Layers { get; init; }

    /// <summary>The width of the hidden states (<c>n_embd</c>, <c>hidden_size</c>).</summary>
    public abstract int HiddenSize { get; }

    /// <summary>True when the output head is the token embedding.</summary>
    public required bool TieWordEmbeddings { get; init; }

    /// <summary>Why the context is what it is, when that is not plain (a sliding window), for error messages.</summary>
    public virtual string ContextNote => "";
}
