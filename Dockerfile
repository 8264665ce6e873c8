# BlazorCutout in one container, kept in step with `./cutout run`:
#   docker build -t blazorcutout .
#   docker run -p 8080:8080 -v blazorcutout-data:/data blazorcutout
# then open http://localhost:8080. The first account registered becomes the administrator, or seed one with
#   -e BlazorCutout__Admin__Email=... -e BlazorCutout__Admin__Password=...

# ---- build: the .NET SDK plus node/npm, which scripts/engine-assets.sh uses to fetch the engine's model ----
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The engine's model weights, verified by checksum (the same script `./cutout run` calls); ONNX Runtime and libvips
# come with the NuGet restore of the publish below.
RUN bash scripts/engine-assets.sh /app/engine
# Framework-dependent publish output: outside Development only it serves blazor.web.js and the components' assets.
RUN dotnet publish src/BlazorCutout.Web -c Release -o /app/publish -nologo

# ---- runtime: the ASP.NET Core 10.0 runtime (LTS) ----
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app/publish ./
COPY --from=build /app/engine ./engine
# The image's non-root `app` user owns the data volume: database, keys and (later) stored images.
RUN mkdir -p /data && chown app:app /data
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS=8080 \
    BlazorCutout__Data__Directory=/data \
    BlazorCutout__Engine__AssetsDirectory=/app/engine
VOLUME /data
EXPOSE 8080
USER app
# Liveness and database reachability: GET /healthz answers "Healthy".
ENTRYPOINT ["./BlazorCutout.Web"]
