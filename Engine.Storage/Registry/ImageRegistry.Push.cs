using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Engine.Storage.Errors;
using Engine.Storage.Images;
using Engine.Storage.Layers;

namespace Engine.Storage.Registry;

public sealed partial class ImageRegistry
{
    public async Task<IReadOnlyList<PushResult>> PushAsync(string repository, string? tag, RegistryAuth? auth, IProgress<RegistryProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var named = RegistryReference.Parse(repository, tag);
        if (named.Digest is not null)
        {
            throw EngineException.Invalid("cannot push a digest reference");
        }
        var prefix = named.Repository + ":";
        var tags = named.Tag is not null
            ? [named.Tag]
            : _images.List().SelectMany(i => i.RepoTags).Where(t => t.StartsWith(prefix, StringComparison.Ordinal)).Select(t => t[prefix.Length..]).Order(StringComparer.Ordinal).ToList();
        if (tags.Count == 0)
        {
            throw EngineException.NotFound($"An image does not exist locally with the tag: {named.Repository}");
        }
        var images = tags.Select(t => (Tag: t, Image: _images.TryGet($"{named.Repository}:{t}")
            ?? throw EngineException.NotFound($"tag does not exist: {named.Repository}:{t}"))).ToList();

        progress?.Report(new RegistryProgress($"The push refers to repository [{(named.Domain == RegistryReference.DefaultDomain ? "docker.io/" + named.RemoteName : named.Repository)}]"));
        var session = await RegistrySession.OpenAsync(_http, named.Domain, auth, Scope(named, push: true), cancellationToken).ConfigureAwait(false);
        var results = new List<PushResult>();
        foreach (var (t, image) in images)
        {
            var layers = new List<Descriptor>();
            var chainIds = Digests.ChainIds(image.DiffIds);
            foreach (var diffId in image.DiffIds.Reverse())
            {
                progress?.Report(new RegistryProgress("Preparing", ShortDigest(diffId)) { HasDetail = true });
            }
            for (var i = 0; i < image.DiffIds.Count; i++)
            {
                layers.Add(await PushLayerAsync(session, named, image.DiffIds[i], chainIds[i], progress, cancellationToken).ConfigureAwait(false));
            }
            var configBytes = _images.GetConfigBytes(image.Id);
            var configDigest = Digests.Sha256(configBytes);
            if (await BlobSizeAsync(session, named, configDigest, cancellationToken).ConfigureAwait(false) is null)
            {
                await UploadMonolithicAsync(session, named, configBytes, configDigest, cancellationToken).ConfigureAwait(false);
            }
            var manifest = new ManifestDocument
            {
                SchemaVersion = 2,
                MediaType = MediaTypes.DockerManifest,
                Config = new Descriptor { MediaType = MediaTypes.DockerConfig, Size = configBytes.Length, Digest = configDigest },
                Layers = layers,
            };
            var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest, RegistryJsonContext.Default.ManifestDocument);
            var manifestDigest = Digests.Sha256(manifestBytes);
            using (var put = new HttpRequestMessage(HttpMethod.Put, session.Url($"v2/{named.RemoteName}/manifests/{t}")))
            {
                put.Content = new ByteArrayContent(manifestBytes);
                put.Content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.DockerManifest);
                using var response = await session.SendAsync(put, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw await RegistrySession.ErrorAsync(response, $"pushing the manifest of {named.Repository}:{t}", cancellationToken).ConfigureAwait(false);
                }
            }
            await _images.SetDigestReferenceAsync(named.Repository, manifestDigest, image.Id, cancellationToken).ConfigureAwait(false);
            var result = new PushResult(t, manifestDigest, manifestBytes.Length);
            results.Add(result);
            progress?.Report(new RegistryProgress($"{t}: digest: {manifestDigest} size: {manifestBytes.Length}"));
            progress?.Report(new RegistryProgress("") { Aux = result, HasDetail = true });
            Log.Pushed(_logger, $"{named.Repository}:{t}", manifestDigest);
        }
        return results;
    }

    private async Task<Descriptor> PushLayerAsync(RegistrySession session, RegistryReference named, string diffId, string chainId, IProgress<RegistryProgress>? progress, CancellationToken cancellationToken)
    {
        var id = ShortDigest(diffId);
        var here = named.Domain + "/" + named.RemoteName;
        // A blob this layer was pulled as or pushed to, in this registry: the registry may have it already.
        foreach (var known in _metadata.Get(diffId).Where(r => r.SourceRepository.StartsWith(named.Domain + "/", StringComparison.Ordinal)).OrderBy(r => r.SourceRepository == here ? 0 : 1))
        {
            if (await BlobSizeAsync(session, named, known.Digest, cancellationToken).ConfigureAwait(false) is { } size)
            {
                progress?.Report(new RegistryProgress("Layer already exists", id) { HasDetail = true });
                return new Descriptor { MediaType = MediaTypes.DockerLayerGzip, Size = size, Digest = known.Digest };
            }
        }
        if (_layers.TryGetLayer(chainId) is null)
        {
            throw EngineException.NotFound($"layer does not exist: {chainId}");
        }

        // Chunked upload: POST opens the session, one streamed PATCH carries the gzipped layer while it is hashed,
        // PUT ?digest= closes it. Nothing is spooled: the digest of the compressed bytes is known when the PATCH ends.
        var location = await StartUploadAsync(session, named, cancellationToken).ConfigureAwait(false);
        var content = new GzipLayerContent(() => _layers.ExportLayer(chainId), written =>
            progress?.Report(new RegistryProgress("Pushing", id, written, null) { HasDetail = true }));
        using (var patch = new HttpRequestMessage(HttpMethod.Patch, location) { Content = content })
        {
            patch.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var response = await session.SendAsync(patch, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw await RegistrySession.ErrorAsync(response, $"uploading layer {diffId}", cancellationToken).ConfigureAwait(false);
            }
            location = NextLocation(session, response, location);
        }
        var digest = content.Digest ?? throw new EngineException(ErrorKind.Internal, "layer upload ended without a digest");
        await FinishUploadAsync(session, location, digest, null, cancellationToken).ConfigureAwait(false);
        _metadata.Add(diffId, new BlobRecord { Digest = digest, SourceRepository = here, Size = content.Written });
        progress?.Report(new RegistryProgress("Pushed", id) { HasDetail = true });
        return new Descriptor { MediaType = MediaTypes.DockerLayerGzip, Size = content.Written, Digest = digest };
    }

    /// <summary>HEAD /v2/name/blobs/digest: the blob's size, or null when the registry does not have it.</summary>
    private static async Task<long?> BlobSizeAsync(RegistrySession session, RegistryReference named, string digest, CancellationToken cancellationToken)
    {
        using var response = await session.SendAsync(new HttpRequestMessage(HttpMethod.Head, session.Url($"v2/{named.RemoteName}/blobs/{digest}")), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        if (!response.IsSuccessStatusCode)
        {
            throw await RegistrySession.ErrorAsync(response, $"checking blob {digest}", cancellationToken).ConfigureAwait(false);
        }
        return response.Content.Headers.ContentLength ?? 0;
    }

    private static async Task<Uri> StartUploadAsync(RegistrySession session, RegistryReference named, CancellationToken cancellationToken)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, session.Url($"v2/{named.RemoteName}/blobs/uploads/"));
        using var response = await session.SendAsync(post, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw await RegistrySession.ErrorAsync(response, $"starting an upload to {named.Repository}", cancellationToken).ConfigureAwait(false);
        }
        return NextLocation(session, response, null);
    }

    private static Uri NextLocation(RegistrySession session, HttpResponseMessage response, Uri? previous)
    {
        var location = response.Headers.Location;
        if (location is null)
        {
            return previous ?? throw new EngineException(ErrorKind.Internal, "the registry answered an upload without a Location");
        }
        return location.IsAbsoluteUri ? location : new Uri(session.BaseUri, location);
    }

    private static async Task FinishUploadAsync(RegistrySession session, Uri location, string digest, byte[]? body, CancellationToken cancellationToken)
    {
        var builder = new UriBuilder(location);
        var query = builder.Query.TrimStart('?');
        builder.Query = (query.Length > 0 ? query + "&" : "") + "digest=" + Uri.EscapeDataString(digest);
        using var put = new HttpRequestMessage(HttpMethod.Put, builder.Uri) { Content = new ByteArrayContent(body ?? []) };
        put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await session.SendAsync(put, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw await RegistrySession.ErrorAsync(response, $"completing the upload of {digest}", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Monolithic upload (small blobs: the image config): POST then PUT ?digest= with the whole body.</summary>
    private static async Task UploadMonolithicAsync(RegistrySession session, RegistryReference named, byte[] bytes, string digest, CancellationToken cancellationToken)
    {
        var location = await StartUploadAsync(session, named, cancellationToken).ConfigureAwait(false);
        await FinishUploadAsync(session, location, digest, bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A request body that gzips a layer export as it is sent (chunked transfer encoding), hashing and counting the
    /// compressed bytes: the blob's digest and size are known when the body has been written.
    /// </summary>
    private sealed class GzipLayerContent(Func<Stream> open, Action<long> onProgress) : HttpContent
    {
        public string? Digest { get; private set; }
        public long Written { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var counting = new HashingWriteStream(stream, hash, n =>
            {
                Written += n;
            });
            await using (var source = open())
            {
                await using var gzip = new GZipStream(counting, CompressionLevel.Optimal, leaveOpen: true);
                var buffer = new byte[1 << 16];
                long read = 0, reported = 0;
                int n;
                while ((n = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await gzip.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                    read += n;
                    if (read - reported >= 4 << 20)
                    {
                        reported = read;
                        onProgress(Written);
                    }
                }
            }
            Digest = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
            onProgress(Written);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>Write-only pass-through that hashes and counts.</summary>
    private sealed class HashingWriteStream(Stream inner, IncrementalHash hash, Action<int> onWrite) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            onWrite(buffer.Length);
            inner.Write(buffer);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            hash.AppendData(buffer.Span);
            onWrite(buffer.Length);
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
