using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Engine.Storage.Errors;
using Engine.Storage.Images;
using Engine.Storage.Layers;

namespace Engine.Storage.Registry;

public sealed partial class ImageRegistry
{
    public async Task<Image> PullAsync(string reference, RegistryAuth? auth, IProgress<RegistryProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var named = RegistryReference.Parse(reference);
        if (named.Tag is null && named.Digest is null)
        {
            named = named with { Tag = Reference.DefaultTag };
        }
        progress?.Report(new RegistryProgress($"Pulling from {(named.Domain == RegistryReference.DefaultDomain ? named.RemoteName : named.Repository)}", named.ManifestReference));
        var session = await RegistrySession.OpenAsync(_http, named.Domain, auth, Scope(named, push: false), cancellationToken).ConfigureAwait(false);

        var (manifestBytes, mediaType, manifestDigest) = await GetManifestAsync(session, named, named.ManifestReference, cancellationToken).ConfigureAwait(false);
        var manifest = ParseManifest(manifestBytes, ref mediaType);
        if (MediaTypes.IsIndex(mediaType))
        {
            var chosen = ChoosePlatform(manifest, named);
            var (bytes, type, _) = await GetManifestAsync(session, named, chosen.Digest, cancellationToken).ConfigureAwait(false);
            manifest = ParseManifest(bytes, ref type);
            if (MediaTypes.IsIndex(type))
            {
                throw EngineException.Invalid($"{named}: a manifest list inside a manifest list is not supported");
            }
        }
        if (manifest.Config is null || manifest.Layers is null)
        {
            throw EngineException.Invalid($"{named}: unsupported manifest (media type {mediaType}); only Docker schema2, OCI manifests and their lists are supported");
        }

        var configBytes = await GetSmallBlobAsync(session, named, manifest.Config, cancellationToken).ConfigureAwait(false);
        var config = ImageStore.ParseConfig(configBytes);
        var diffIds = config.RootFs?.DiffIds ?? [];
        var layers = manifest.Layers;
        if (diffIds.Count != layers.Count)
        {
            throw EngineException.Invalid($"{named}: the manifest has {layers.Count} layers but the image config has {diffIds.Count} diff ids");
        }
        var imageId = Digests.Sha256(configBytes);
        var existed = _images.TryGet(imageId) is not null;
        var chainIds = Digests.ChainIds(diffIds);

        // Layers already present (by chainID) are not downloaded.
        var missing = new List<int>();
        for (var i = 0; i < layers.Count; i++)
        {
            var id = ShortDigest(layers[i].Digest);
            if (_layers.TryGetLayer(chainIds[i]) is not null)
            {
                progress?.Report(new RegistryProgress("Already exists", id) { HasDetail = true });
            }
            else
            {
                missing.Add(i);
                progress?.Report(new RegistryProgress("Pulling fs layer", id) { HasDetail = true });
            }
        }

        var held = new List<string>();
        Image image;
        try
        {
            for (var i = 0; i < layers.Count; i++)
            {
                if (!missing.Contains(i))
                {
                    continue;
                }
                var layer = await DownloadLayerAsync(session, named, layers[i], diffIds[i], i == 0 ? null : chainIds[i - 1], progress, cancellationToken).ConfigureAwait(false);
                held.Add(layer.ChainId);
            }
            if (layers.Count > 0)
            {
                // AddAsync takes over one reference on the top layer: hold it whether or not it was downloaded now.
                _layers.Acquire(chainIds[^1]);
                held.Add(chainIds[^1]);
            }
            image = await _images.AddAsync(configBytes, null, cancellationToken).ConfigureAwait(false);
            held.RemoveAt(held.Count - 1);
        }
        finally
        {
            foreach (var chain in Enumerable.Reverse(held))
            {
                await _layers.ReleaseAsync(chain, CancellationToken.None).ConfigureAwait(false);
            }
        }

        if (named.Tag is not null)
        {
            await _images.TagAsync(image.Id, named.Repository, named.Tag, force: true, cancellationToken).ConfigureAwait(false);
        }
        await _images.SetDigestReferenceAsync(named.Repository, manifestDigest, image.Id, cancellationToken).ConfigureAwait(false);
        progress?.Report(new RegistryProgress($"Digest: {manifestDigest}"));
        progress?.Report(new RegistryProgress(existed && missing.Count == 0
            ? $"Status: Image is up to date for {named}"
            : $"Status: Downloaded newer image for {named}"));
        Log.Pulled(_logger, named.ToString(), image.Id, missing.Count, layers.Count);
        return _images.Get(image.Id);
    }

    internal static string ShortDigest(string digest) => Digests.Hex(digest) is { Length: >= 12 } hex ? hex[..12] : digest;

    private static ManifestDocument ParseManifest(byte[] bytes, ref string mediaType)
    {
        ManifestDocument manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(bytes, RegistryJsonContext.Default.ManifestDocument) ?? throw EngineException.Invalid("invalid manifest: null");
        }
        catch (JsonException e)
        {
            throw EngineException.Invalid($"invalid manifest: {e.Message}");
        }
        if (mediaType is MediaTypes.DockerSchema1 or MediaTypes.DockerSchema1Signed || manifest.SchemaVersion == 1)
        {
            throw EngineException.Invalid("Docker image manifest schema 1 is not supported: push the image again with a current client");
        }
        if (string.IsNullOrEmpty(mediaType) || mediaType is "application/json" or "text/plain")
        {
            // Registries that do not echo a media type: the document's own field, or what its shape says.
            mediaType = manifest.MediaType ?? (manifest.Manifests is not null ? MediaTypes.OciIndex : MediaTypes.OciManifest);
        }
        return manifest;
    }

    private static Descriptor ChoosePlatform(ManifestDocument index, RegistryReference named)
    {
        var arch = ImageStore.HostArchitecture;
        var candidates = (index.Manifests ?? []).Where(m => m.Platform is { } p && p.Os == "linux" && p.Architecture == arch).ToList();
        return candidates.FirstOrDefault(m => arch != "arm64" || m.Platform!.Variant is null or "v8")
            ?? candidates.FirstOrDefault()
            ?? throw EngineException.NotFound($"no matching manifest for linux/{arch} in the manifest list entries of {named}");
    }

    private static async Task<(byte[] Bytes, string MediaType, string Digest)> GetManifestAsync(RegistrySession session, RegistryReference named, string reference, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, session.Url($"v2/{named.RemoteName}/manifests/{reference}"));
        foreach (var type in MediaTypes.AcceptedManifests)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }
        using var response = await session.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw EngineException.NotFound($"manifest for {named} not found: manifest unknown: manifest unknown");
        }
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new EngineException(ErrorKind.Unauthorized, $"pull access denied for {named.Repository}, repository does not exist or may require 'docker login'");
        }
        if (!response.IsSuccessStatusCode)
        {
            throw await RegistrySession.ErrorAsync(response, $"fetching the manifest of {named}", cancellationToken).ConfigureAwait(false);
        }
        var bytes = await ReadLimitedAsync(response, cancellationToken).ConfigureAwait(false);
        var digest = Digests.Sha256(bytes);
        if (reference.StartsWith(Digests.Sha256Prefix, StringComparison.Ordinal) && digest != reference)
        {
            throw new EngineException(ErrorKind.Internal, $"manifest verification failed for digest {reference}: got {digest}");
        }
        return (bytes, response.Content.Headers.ContentType?.MediaType ?? "", digest);
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxDocumentBytes)
        {
            throw EngineException.Invalid($"document larger than {MaxDocumentBytes} bytes");
        }
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > MaxDocumentBytes)
            {
                throw EngineException.Invalid($"document larger than {MaxDocumentBytes} bytes");
            }
        }
        return buffer.ToArray();
    }

    private static async Task<HttpResponseMessage> GetBlobResponseAsync(RegistrySession session, RegistryReference named, string digest, CancellationToken cancellationToken)
    {
        var response = await session.SendAsync(new HttpRequestMessage(HttpMethod.Get, session.Url($"v2/{named.RemoteName}/blobs/{digest}")), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await RegistrySession.ErrorAsync(response, $"fetching blob {digest} of {named}", cancellationToken).ConfigureAwait(false);
            }
        }
        return response;
    }

    private static async Task<byte[]> GetSmallBlobAsync(RegistrySession session, RegistryReference named, Descriptor descriptor, CancellationToken cancellationToken)
    {
        using var response = await GetBlobResponseAsync(session, named, descriptor.Digest, cancellationToken).ConfigureAwait(false);
        var bytes = await ReadLimitedAsync(response, cancellationToken).ConfigureAwait(false);
        if (Digests.Sha256(bytes) != descriptor.Digest)
        {
            throw new EngineException(ErrorKind.Internal, $"image config verification failed for digest {descriptor.Digest}");
        }
        return bytes;
    }

    private async Task<LayerInfo> DownloadLayerAsync(RegistrySession session, RegistryReference named, Descriptor descriptor, string diffId, string? parentChainId,
        IProgress<RegistryProgress>? progress, CancellationToken cancellationToken)
    {
        if (!Digests.IsSha256(descriptor.Digest))
        {
            throw EngineException.Invalid($"unsupported layer digest \"{descriptor.Digest}\" (only sha256)");
        }
        var id = ShortDigest(descriptor.Digest);
        using var response = await GetBlobResponseAsync(session, named, descriptor.Digest, cancellationToken).ConfigureAwait(false);
        var total = descriptor.Size > 0 ? descriptor.Size : response.Content.Headers.ContentLength ?? 0;
        long lastReported = -1;
        var step = Math.Max(total / 50, 512 * 1024);
        await using var verifying = new VerifyingStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), descriptor.Digest, descriptor.Size,
            read =>
            {
                if (lastReported < 0 || read - lastReported >= step || read == total)
                {
                    lastReported = read;
                    progress?.Report(new RegistryProgress("Downloading", id, read, total) { HasDetail = true });
                }
            });
        var layer = await _layers.RegisterAsync(verifying, parentChainId, cancellationToken).ConfigureAwait(false);
        try
        {
            await verifying.DrainAndVerifyAsync(cancellationToken).ConfigureAwait(false);
            if (layer.DiffId != diffId)
            {
                throw new EngineException(ErrorKind.Internal, $"layer {descriptor.Digest} of {named} has diff id {layer.DiffId}, the image config says {diffId}");
            }
        }
        catch
        {
            await _layers.ReleaseAsync(layer.ChainId, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        progress?.Report(new RegistryProgress("Verifying Checksum", id) { HasDetail = true });
        progress?.Report(new RegistryProgress("Download complete", id) { HasDetail = true });
        progress?.Report(new RegistryProgress("Pull complete", id) { HasDetail = true });
        _metadata.Add(diffId, new BlobRecord { Digest = descriptor.Digest, SourceRepository = named.Domain + "/" + named.RemoteName, Size = verifying.BytesRead });
        return layer;
    }
}
