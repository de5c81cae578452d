using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Xunit;
using BlueZero.Hub;
using BlueZero.Mesh.Configuration;
using BlueZero.Tests.Support;

namespace BlueZero.Tests.Unit;

/// <summary>--tls-cert / --tls-ca: both or neither, unreadable files refused in one line, and the peer check.</summary>
public sealed class MutualTlsSetupTests : IDisposable
{
    private readonly TestCertificates _pki = new();
    private readonly TestCertificates.Authority _ca;

    public MutualTlsSetupTests() => _ca = _pki.CreateAuthority("unit-ca");

    public void Dispose() => _pki.Dispose();

    private static MeshSetup Build(string[] args, Dictionary<string, string>? environment = null)
    {
        var flags = GivenFlags.Parse(args, HubOptions.Flags);
        return MeshSetup.Build(MeshMember.Node, flags, environment ?? new Dictionary<string, string>(), HubOptions.Flags);
    }

    private static string Refusal(string[] args, Dictionary<string, string>? environment = null) =>
        Assert.Throws<SetupException>(() => Build(args, environment)).Message;

    [Fact]
    public void Neither_flag_means_plain_tcp()
    {
        var setup = Build([]);
        Assert.Null(setup.Tls);
        Assert.False(setup.AkkaConfig.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
    }

    [Fact]
    public void Only_one_of_the_two_is_refused()
    {
        var pfx = _pki.CreateNode("n1", _ca);
        Assert.Contains("--tls-cert and --tls-ca must be given together", Refusal(["--tls-cert", pfx]));
        Assert.Contains("must be given together", Refusal([], new() { ["B0_TLS_CA"] = _ca.PemPath }));
    }

    [Fact]
    public void Missing_or_unreadable_files_are_refused_in_one_line()
    {
        var pfx = _pki.CreateNode("n1", _ca);
        var missing = Path.Combine(_pki.Directory, "nope.pfx");
        var message = Refusal(["--tls-cert", missing, "--tls-ca", _ca.PemPath]);
        Assert.Equal($"TLS certificate {missing} does not exist (--tls-cert)", message);
        Assert.DoesNotContain('\n', message);

        Assert.StartsWith("TLS CA certificate", Refusal(["--tls-cert", pfx, "--tls-ca", Path.Combine(_pki.Directory, "nope.crt")]));
        var garbage = Path.Combine(_pki.Directory, "garbage.crt");
        File.WriteAllText(garbage, "not a certificate");
        Assert.StartsWith("cannot read TLS CA certificate", Refusal(["--tls-cert", pfx, "--tls-ca", garbage]));
        Assert.StartsWith("cannot read TLS certificate", Refusal(["--tls-cert", _ca.PemPath, "--tls-ca", _ca.PemPath]));
    }

    [Fact]
    public void Wrong_password_is_refused_and_the_right_one_is_read_from_the_environment()
    {
        var pfx = _pki.CreateNode("n1", _ca, password: "s3cret");
        Assert.StartsWith("cannot read TLS certificate", Refusal(["--tls-cert", pfx, "--tls-ca", _ca.PemPath]));
        var setup = Build(["--tls-cert", pfx, "--tls-ca", _ca.PemPath], new() { ["B0_TLS_CERT_PASSWORD"] = "s3cret" });
        Assert.NotNull(setup.Tls);
    }

    [Fact]
    public void A_certificate_from_another_ca_is_refused_at_startup()
    {
        var other = _pki.CreateAuthority("other-ca");
        Assert.Contains("is not issued by the CA", Refusal(["--tls-cert", _pki.CreateNode("n1", other), "--tls-ca", _ca.PemPath]));
    }

    [Fact]
    public void Startup_turns_a_bad_tls_file_into_exit_code_2()
    {
        var result = MeshStartup.Resolve(["--tls-cert", "/nonexistent/node.pfx", "--tls-ca", _ca.PemPath], MeshMember.Node, HubOptions.Flags, "y",
            mesh => mesh, out var exitCode);
        Assert.Null(result);
        Assert.Equal(2, exitCode);
    }

    [Fact]
    public void Tls_enables_ssl_uses_tls_seeds_and_is_handed_to_child_nodes()
    {
        var dir = Directory.GetCurrentDirectory();
        var pfx = _pki.CreateNode("n1", _ca);
        var relative = Path.GetRelativePath(dir, pfx);
        var setup = Build(["--tls-cert", relative, "--tls-ca", _ca.PemPath, "--seed", "akka.tcp://bluezero@10.0.0.1:4053"],
            new() { ["B0_TLS_CERT_PASSWORD"] = "", ["B0_TLS_CERT"] = "ignored.pfx" });

        Assert.True(setup.AkkaConfig.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
        Assert.Equal(["akka.ssl.tcp://bluezero@10.0.0.1:4053"], setup.Cluster.Seeds);
        var child = setup.ProcessManager.ChildEnvironment;
        Assert.Equal(pfx, child["B0_TLS_CERT"]);
        Assert.Equal(_ca.PemPath, child["B0_TLS_CA"]);
        Assert.True(child.ContainsKey("B0_TLS_CERT_PASSWORD"));

        var akkaSetup = setup.Tls!.ToAkkaSetup();
        Assert.True(akkaSetup.RequireMutualAuthentication);
        Assert.False(akkaSetup.SuppressValidation);
        Assert.False(akkaSetup.ValidateCertificateHostname);
        Assert.NotNull(akkaSetup.CustomValidator);
    }

    [Fact]
    public void A_tls_seed_without_tls_is_refused()
    {
        Assert.Contains("is a TLS address", Refusal(["--seed", "akka.ssl.tcp://bluezero@127.0.0.1:4053"]));
    }

    [Fact]
    public void The_peer_check_accepts_only_certificates_issued_by_the_cluster_ca()
    {
        var tls = Build(["--tls-cert", _pki.CreateNode("n1", _ca), "--tls-ca", _ca.PemPath]).Tls!;
        var log = NoLogger.Instance;
        X509Certificate2 Load(string path) => X509CertificateLoader.LoadPkcs12FromFile(path, "");

        Assert.True(tls.Validate(Load(_pki.CreateNode("peer", _ca)), null, "peer", SslPolicyErrors.RemoteCertificateChainErrors, log));
        Assert.False(tls.Validate(null, null, "nobody", SslPolicyErrors.RemoteCertificateNotAvailable, log));
        Assert.False(tls.Validate(Load(_pki.CreateSelfSigned("self")), null, "self", SslPolicyErrors.None, log));
        var other = _pki.CreateAuthority("other-ca");
        Assert.False(tls.Validate(Load(_pki.CreateNode("foreign", other)), null, "foreign", SslPolicyErrors.None, log));
        Assert.False(tls.Validate(other.Certificate, null, "other-ca", SslPolicyErrors.None, log));
    }
}
