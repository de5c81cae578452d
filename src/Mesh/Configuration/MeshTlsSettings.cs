using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace BlueZero.Mesh.Configuration;

/// <summary>
/// Mutual TLS for Akka.Remote (docs/OPERATIONS.md, "Securing the cluster: mutual TLS"): this node presents
/// <see cref="Certificate"/> and accepts a peer only if the peer presents a certificate whose chain builds to
/// <see cref="Authority"/>. Hostnames are not checked: nodes are addressed by IP and the CA is private to the cluster.
/// </summary>
public sealed class MeshTlsSettings
{
    public const string PasswordVariable = "B0_TLS_CERT_PASSWORD";

    private MeshTlsSettings(string certificatePath, string authorityPath, X509Certificate2 certificate, X509Certificate2 authority)
    {
        CertificatePath = certificatePath;
        AuthorityPath = authorityPath;
        Certificate = certificate;
        Authority = authority;
    }

    /// <summary>Absolute path of the node's PKCS#12 file (certificate and private key).</summary>
    public string CertificatePath { get; }
    /// <summary>Absolute path of the cluster CA certificate (PEM).</summary>
    public string AuthorityPath { get; }
    public X509Certificate2 Certificate { get; }
    public X509Certificate2 Authority { get; }

    /// <returns>null when neither is set; throws <see cref="SetupException"/> when only one is set or a file cannot be used.</returns>
    public static MeshTlsSettings? Resolve(string? certificatePath, string? authorityPath, IReadOnlyDictionary<string, string> environment)
    {
        var hasCert = !string.IsNullOrEmpty(certificatePath);
        var hasCa = !string.IsNullOrEmpty(authorityPath);
        if (!hasCert && !hasCa) return null;
        if (!hasCert || !hasCa)
            throw new SetupException($"{MeshSettings.TlsCert.Flag} and {MeshSettings.TlsCa.Flag} must be given together (mutual TLS needs this node's certificate and the cluster CA)");

        var certPath = Path.GetFullPath(certificatePath!);
        var caPath = Path.GetFullPath(authorityPath!);
        if (!File.Exists(certPath)) throw new SetupException($"TLS certificate {certPath} does not exist ({MeshSettings.TlsCert.Flag})");
        if (!File.Exists(caPath)) throw new SetupException($"TLS CA certificate {caPath} does not exist ({MeshSettings.TlsCa.Flag})");
        var password = environment.GetValueOrDefault(PasswordVariable) ?? "";
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(certPath, password);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new SetupException($"cannot read TLS certificate {certPath} (PKCS#12, password from {PasswordVariable}): {OneLine(ex)}");
        }
        if (!certificate.HasPrivateKey)
            throw new SetupException($"TLS certificate {certPath} has no private key; {MeshSettings.TlsCert.Flag} needs a PKCS#12 file with the key");

        X509Certificate2 authority;
        try
        {
            authority = X509Certificate2.CreateFromPem(File.ReadAllText(caPath));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new SetupException($"cannot read TLS CA certificate {caPath} (PEM): {OneLine(ex)}");
        }
        if (!ChainsTo(certificate, authority))
            throw new SetupException($"TLS certificate {certPath} is not issued by the CA in {caPath}");
        return new MeshTlsSettings(certPath, caPath, certificate, authority);
    }

    /// <summary>The Akka.Remote setup: TLS with a required client certificate on every connection, checked by <see cref="Validate"/>.</summary>
    public DotNettySslSetup ToAkkaSetup() =>
        new(Certificate, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: false, customValidator: Validate);

    /// <summary>Accepts a peer only if it presented a certificate whose chain builds to the cluster CA; the system trust store is not used.</summary>
    public bool Validate(X509Certificate2? certificate, X509Chain? chain, string remotePeer, SslPolicyErrors errors, ILoggingAdapter log)
    {
        if (certificate is null)
        {
            log.Warning("TLS: refused {0}: no certificate presented", remotePeer);
            return false;
        }
        if (ChainsTo(certificate, Authority, chain)) return true;
        log.Warning("TLS: refused {0}: certificate {1} is not issued by the cluster CA {2}", remotePeer, certificate.Subject, Authority.Subject);
        return false;
    }

    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 authority, X509Chain? presented = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        if (presented is not null)
            foreach (var element in presented.ChainElements)
                if (!element.Certificate.Equals(certificate)) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        if (!chain.Build(certificate)) return false;
        // CustomRootTrust already requires the root to be the CA; check it explicitly all the same.
        var root = chain.ChainElements[^1].Certificate;
        return root.RawData.AsSpan().SequenceEqual(authority.RawData);
    }

    private static string OneLine(Exception ex) => ex.Message.ReplaceLineEndings(" ").Trim();
}
