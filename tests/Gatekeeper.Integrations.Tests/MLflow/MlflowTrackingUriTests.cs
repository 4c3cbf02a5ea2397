using Gatekeeper.Integrations.MLflow;

namespace Gatekeeper.Integrations.Tests.MLflow;

public class MlflowTrackingUriTests
{
    private static MlflowTrackingUri Resolve(string? folder = null, params (string Name, string Value)[] variables)
    {
        var environment = variables.ToDictionary(v => v.Name, v => v.Value);
        return MlflowTrackingUri.Resolve(name => environment.GetValueOrDefault(name), folder);
    }

    [Fact]
    public void WithoutAnUri_TheFolderGiven_ElseMlruns()
    {
        Assert.Equal((MlflowStoreKind.FileStore, Path.GetFullPath("mlruns")), (Resolve().Kind, Resolve().Location));
        Assert.Equal(Path.GetFullPath("records"), Resolve("records").Location);
    }

    [Theory]
    [InlineData("http://mlflow.internal:5000/", MlflowStoreKind.Rest, "http://mlflow.internal:5000")]
    [InlineData("https://mlflow.example.com/prefix", MlflowStoreKind.Rest, "https://mlflow.example.com/prefix")]
    [InlineData("file:///srv/mlruns", MlflowStoreKind.FileStore, "/srv/mlruns")]
    [InlineData("/srv/mlruns", MlflowStoreKind.FileStore, "/srv/mlruns")]
    public void TheEnvironmentsUri_NamesTheStore(string uri, MlflowStoreKind kind, string location)
    {
        var resolved = Resolve("ignored", ("MLFLOW_TRACKING_URI", uri));
        Assert.Equal((kind, location), (resolved.Kind, resolved.Location));
    }

    [Fact]
    public void CredentialsExperimentAndTls_AreRead()
    {
        var bearer = Resolve(null, ("MLFLOW_TRACKING_URI", "http://h"), ("MLFLOW_TRACKING_TOKEN", "t0k"), ("MLFLOW_EXPERIMENT_NAME", "team/gates"), ("MLFLOW_TRACKING_INSECURE_TLS", "true"));
        Assert.Equal(("t0k", "team/gates", true), (bearer.Token, bearer.ExperimentName, bearer.InsecureTls));
        var basic = Resolve(null, ("MLFLOW_TRACKING_URI", "http://h"), ("MLFLOW_TRACKING_USERNAME", "ci"), ("MLFLOW_TRACKING_PASSWORD", "pw"));
        Assert.Equal(("ci", "pw"), (basic.Username, basic.Password));
    }

    [Theory]
    [InlineData("MLFLOW_TRACKING_URI", "sqlite:///mlflow.db", "is not a store Gatekeeper writes to")]
    [InlineData("MLFLOW_TRACKING_USERNAME", "ci", "set both MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD")]
    [InlineData("MLFLOW_TRACKING_INSECURE_TLS", "maybe", "'maybe' is not true or false")]
    [InlineData("MLFLOW_TRACKING_SERVER_CERT_PATH", "/nowhere/ca.pem", "is not a file")]
    public void AnUnusableSetting_IsBadInputNamingTheVariable(string variable, string value, string message)
    {
        var error = Assert.Throws<BadInputException>(() => Resolve(null, (variable, value)));
        Assert.Contains(message, error.Message);
        Assert.Contains(variable, error.Message);
    }
}
