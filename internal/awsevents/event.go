// Package awsevents receives layer-publish events: AWS Lambda's CloudTrail
// records of PublishLayerVersion and DeleteLayerVersion, delivered by an
// EventBridge API destination to POST /webhooks/aws. An event reconciles
// exactly the repositories whose layer index pins that layer, at once,
// instead of waiting for the next poll.
package awsevents

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bumpbot/bumpbot/internal/layerarn"
)

// The CloudTrail event names handled.
const (
	PublishEvent = "PublishLayerVersion20181031"
	DeleteEvent  = "DeleteLayerVersion20181031"
)

// envelope is an EventBridge event as an API destination delivers it,
// with the CloudTrail fields bumpbot reads.
type envelope struct {
	ID         string `json:"id"`
	Source     string `json:"source"`
	DetailType string `json:"detail-type"`
	Account    string `json:"account"`
	Region     string `json:"region"`
	Detail     struct {
		EventName         string `json:"eventName"`
		AWSRegion         string `json:"awsRegion"`
		RequestParameters struct {
			LayerName     string          `json:"layerName"`
			VersionNumber json.RawMessage `json:"versionNumber"`
		} `json:"requestParameters"`
		ResponseElements struct {
			LayerVersionArn string `json:"layerVersionArn"`
		} `json:"responseElements"`
	} `json:"detail"`
}

// Event is a handled event: a version published or deleted.
type Event struct {
	ID      string
	Name    string       // PublishEvent or DeleteEvent
	Version layerarn.ARN // the layer version published or deleted
}

// Deleted reports whether the event deletes the version.
func (e Event) Deleted() bool { return e.Name == DeleteEvent }

// errIgnored marks a well-formed event that is not one bumpbot handles.
var errIgnored = errors.New("event not handled")

// Parse reads one event. A well-formed event bumpbot does not handle
// answers errIgnored; a malformed one, or a handled one without its
// layer, an error saying what is missing.
func Parse(body []byte) (Event, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return Event{}, fmt.Errorf("not an EventBridge event: %v", err)
	}
	if env.ID == "" {
		return Event{}, errors.New("the event has no id")
	}
	if env.Source != "aws.lambda" || env.DetailType != "AWS API Call via CloudTrail" ||
		(env.Detail.EventName != PublishEvent && env.Detail.EventName != DeleteEvent) {
		return Event{}, errIgnored
	}
	ev := Event{ID: env.ID, Name: env.Detail.EventName}
	if ev.Name == PublishEvent {
		a, err := layerarn.Parse(env.Detail.ResponseElements.LayerVersionArn)
		if err != nil || a.Version == 0 {
			return Event{}, fmt.Errorf("%s without detail.responseElements.layerVersionArn (a layer version ARN)", ev.Name)
		}
		ev.Version = a
		return ev, nil
	}
	v, err := strconv.Atoi(strings.Trim(string(env.Detail.RequestParameters.VersionNumber), `"`))
	if err != nil || v <= 0 {
		return Event{}, fmt.Errorf("%s without detail.requestParameters.versionNumber", ev.Name)
	}
	name := env.Detail.RequestParameters.LayerName
	if strings.HasPrefix(name, "arn:") {
		a, err := layerarn.Parse(name)
		if err != nil {
			return Event{}, fmt.Errorf("%s: detail.requestParameters.layerName %q is not a layer ARN", ev.Name, name)
		}
		ev.Version = a.WithVersion(v)
		return ev, nil
	}
	region := env.Detail.AWSRegion
	if region == "" {
		region = env.Region
	}
	if name == "" || env.Account == "" || region == "" {
		return Event{}, fmt.Errorf("%s without detail.requestParameters.layerName, account or region", ev.Name)
	}
	ev.Version = layerarn.ARN{Partition: layerarn.PartitionOf(region), Region: region, Account: env.Account, Name: name, Version: v}
	return ev, nil
}
