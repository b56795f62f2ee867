using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading.Tasks;
using CloudPartner.Engine.Auth;
using CloudPartner.Engine.Errors;
using CloudPartner.Engine.Http;
using CloudPartner.Engine.Security;

namespace CloudPartner.Engine.Tests
{
    public class RedactionTests
    {
        [Fact]
        public async Task A_planted_token_never_appears_in_any_log_line_or_error()
        {
            await using var rig = await EmulatorRig.StartAsync();
            var connection = rig.Connect();
            var observer = new RecordingObserver();
            var texts = new List<string>();
            var token = EmulatorRig.Token;

            var requests = new[]
            {
                ApiRequest.Create(HttpMethod.Get, "/api/publishers/contoso/offers?probe=" + Uri.EscapeDataString(token)),
                ApiRequest.Create(HttpMethod.Get, "/api/publishers/contoso/offers/" + token),
                ApiRequest.Create(HttpMethod.Put, "/api/publishers/contoso/offers/planted", "{\"offerTypeId\":\"x\",\"note\":\"" + token + "\",\"auth\":\"Bearer " + token + "\"}"),
                ApiRequest.Create(HttpMethod.Post, "/api/publishers/contoso/offers/contoso-vm/publish", "{\"metadata\":{\"notification-emails\":\"" + token + "\"}}"),
            };
            requests[0].SetHeader("X-Planted", token);
            requests[1].SetHeader("X-Planted", "Bearer " + token);

            foreach (var request in requests)
            {
                try
                {
                    var response = await connection.SendAsync(request, observer, default);
                    texts.Add(response.Body.Length > 0 ? "(body read)" : string.Empty);
                }
                catch (CpException e)
                {
                    texts.Add(e.Message);
                    texts.Add(e.ToString());
                    texts.Add(e.ServiceMessage ?? string.Empty);
                    texts.Add(e.RequestUri ?? string.Empty);
                }
            }

            texts.AddRange(observer.Lines);
            Assert.NotEmpty(observer.Lines);
            foreach (var text in texts)
            {
                Assert.DoesNotContain(token, text, StringComparison.Ordinal);
                Assert.DoesNotContain(Uri.EscapeDataString(token), text, StringComparison.Ordinal);
            }
        }

        [Theory]
        [InlineData("Authorization: Bearer abc.def.ghi", "Authorization: Bearer ***")]
        [InlineData("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-value here", "token *** here")]
        [InlineData("https://x.blob.core.windows.net/c/v.vhd?sv=2014&sig=WlDo6Q4%2B5QE%3D&se=2017", "https://x.blob.core.windows.net/c/v.vhd?sv=2014&sig=***&se=2017")]
        [InlineData("grant_type=client_credentials&client_secret=s3cr3t&client_id=abc", "grant_type=client_credentials&client_secret=***&client_id=abc")]
        [InlineData("client_assertion=eyJx.eyJy.z&x=1", "client_assertion=***&x=1")]
        [InlineData("{\"access_token\":\"abc\",\"expires_in\":3599}", "{\"access_token\":\"***\",\"expires_in\":3599}")]
        public void Masks_well_known_secret_shapes(string input, string expected)
        {
            Assert.Equal(expected, new Redactor().Redact(input));
        }

        [Fact]
        public void Masks_registered_secrets_raw_and_url_encoded()
        {
            var redactor = new Redactor();
            redactor.AddSecret("p@ss word/+=");

            Assert.Equal("a *** b *** c", redactor.Redact("a p@ss word/+= b " + Uri.EscapeDataString("p@ss word/+=") + " c"));
        }

        public static TheoryData<string, string> Echoes()
        {
            const string token = "eyJ0eXAiOiJKV1Qi.Zm9vYmFyLWJhei1xdXV4LTEyMzQ1Njc4OTA+/x=.c2lnbmF0dXJl";
            var every = string.Concat(Array.ConvertAll(token.ToCharArray(), c => "\\u" + ((int)c).ToString("x4")));
            return new TheoryData<string, string>
            {
                { "percent-encoded, lower-case hex", System.Text.RegularExpressions.Regex.Replace(Uri.EscapeDataString(token), "%[0-9A-F]{2}", m => m.Value.ToLowerInvariant()) },
                { "base64", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(token)) },
                { "base64url", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(token)).TrimEnd('=').Replace('+', '-').Replace('/', '_') },
                { "every character \\u-escaped", every },
                { "\\u-escaped, upper case", every.ToUpperInvariant().Replace("\\U", "\\u") },
                { "JSON-escaped", System.Text.Json.JsonSerializer.Serialize(token).Trim('"') },
                { "split across lines", token.Substring(0, 30) + "\r\n" + token.Substring(30) },
                { "split by a space", token.Substring(0, 40) + " " + token.Substring(40) },
            };
        }

        [Theory]
        [MemberData(nameof(Echoes))]
        public void Masks_a_known_token_however_the_service_echoes_it(string form, string echoed)
        {
            const string token = "eyJ0eXAiOiJKV1Qi.Zm9vYmFyLWJhei1xdXV4LTEyMzQ1Njc4OTA+/x=.c2lnbmF0dXJl";
            var redactor = new Redactor();
            redactor.AddSecret(token);

            var shown = redactor.Redact("the service said: " + echoed + " (end)");

            Assert.StartsWith("the service said: ", shown);
            Assert.EndsWith(" (end)", shown);
            Assert.Contains(Redactor.Mask, shown);
            foreach (var part in new[] { token.Substring(0, Redactor.FragmentLength), token.Substring(token.Length - Redactor.FragmentLength) })
            {
                Assert.DoesNotContain(part, shown);
            }

            Assert.True(shown.Length < 60, $"{form}: {shown}");
        }

        [Fact]
        public void Text_that_only_shares_short_runs_with_a_secret_is_left_alone()
        {
            var redactor = new Redactor();
            redactor.AddSecret("contoso-publisher-secret-0123456789");

            Assert.Equal("offer contoso-vm of publisher contoso", redactor.Redact("offer contoso-vm of publisher contoso"));
        }

        [Fact]
        public void The_token_types_do_not_show_the_token()
        {
            var token = new AccessToken("secret-token-value", DateTimeOffset.UtcNow.AddHours(1));
            Assert.DoesNotContain("secret-token-value", token.ToString());
        }
    }
}
